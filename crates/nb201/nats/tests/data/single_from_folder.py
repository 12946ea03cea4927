# Builds a single NATS-Bench benchmark file (the official layout: meta_archs, total_archs,
# arch2infos {i: per-arch object}, evaluated_indexes set) from a -simple folder of samples, with
# plain CPython (pickle + bz2; numpy replaced by stand-ins that pickle as numpy does): an
# independent writer for the tests. Usage: single_from_folder.py FOLDER OUT meta-first|archs-first

import bz2, collections, pickle, sys, types

class dtype:
    def __init__(self, *args):
        self.args, self.state = args, None
    def __setstate__(self, state):
        self.state = state
    def __reduce__(self):
        return (dtype, self.args, self.state)

class _Scalar:
    def __init__(self, d, data):
        self.d, self.data = d, data
    def __reduce__(self):
        return (scalar, (self.d, self.data))

def scalar(d, data):
    return _Scalar(d, data)

np = types.ModuleType('numpy'); core = types.ModuleType('numpy.core'); ma = types.ModuleType('numpy.core.multiarray')
np.dtype = dtype; dtype.__module__ = 'numpy'
ma.scalar = scalar; scalar.__module__ = 'numpy.core.multiarray'
np.core = core; core.multiarray = ma
sys.modules.update({'numpy': np, 'numpy.core': core, 'numpy.core.multiarray': ma})

folder, out, order = sys.argv[1], sys.argv[2], sys.argv[3]
def load(name):
    with bz2.open(folder + '/' + name, 'rb') as f:
        return pickle.load(f)
meta = load('meta.pickle.pbz2')
archs = {i: load('%06d.pickle.pbz2' % i) for i in (0, 11, 284)}
if order == 'meta-first':
    top = {'meta_archs': meta['meta_archs'], 'total_archs': meta['total_archs'], 'arch2infos': archs, 'evaluated_indexes': set(archs)}
else:
    top = {'arch2infos': archs, 'meta_archs': meta['meta_archs'], 'total_archs': meta['total_archs'], 'evaluated_indexes': set(archs)}
with bz2.open(out, 'wb') as f:
    pickle.dump(top, f, protocol=4)
