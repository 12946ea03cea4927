//! Human-readable, multi-line descriptions in the style of the benchmark README.

use std::fmt;

use crate::arch::{Arch, Cell};

/// A multi-line description of an [`Arch`], returned by [`Arch::describe`].
///
/// For `64-41414-1_02_333` it displays as (no trailing newline):
///
/// ```text
/// Space: micro
/// Base channel: 64
/// Macro skeleton: 41414 (5 stacked modules) [m1(channelx2 & resolution/2)-m2(normal)-m3(channelx2 & resolution/2)-m4(normal)-m5(channelx2 & resolution/2)]
/// Cell structure: 1_02_333 (4 nodes, 6 edges)
///   node0: input tensor
///   node1: Skip-Connect( node0 )  # 1
///   node2: None( node0 ) + Conv1x1( node1 )  # 02
///   node3: Conv3x3( node0 ) + Conv3x3( node1 ) + Conv3x3( node2 )  # 333
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Description<'a> {
    arch: &'a Arch,
}

impl Arch {
    /// A multi-line human description (space, base channels, each module's effect, and the
    /// cell's nodes and edges), as `tnb show` prints it. Use `.to_string()` for a `String`.
    pub fn describe(&self) -> Description<'_> {
        Description { arch: self }
    }
}

impl fmt::Display for Description<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arch = self.arch;
        match arch.space() {
            Some(space) => writeln!(f, "Space: {space}")?,
            None => writeln!(f, "Space: none (not in TransNAS-Bench-101)")?,
        }
        writeln!(f, "Base channel: {}", arch.base_channels)?;

        let n = arch.skeleton.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "Macro skeleton: {} ({n} stacked module{plural}) [", arch.skeleton)?;
        for (i, module) in arch.skeleton.iter().enumerate() {
            let sep = if i == 0 { "" } else { "-" };
            write!(f, "{sep}m{}({module})", i + 1)?;
        }
        writeln!(f, "]")?;

        write!(f, "Cell structure: {}", arch.cell)?;
        match arch.cell {
            Cell::Basic => write!(f, " (ResNet Basic Block)"),
            Cell::Micro(_) => {
                write!(f, " (4 nodes, 6 edges)\n  node0: input tensor")?;
                for node in 1..=3 {
                    write!(f, "\n  node{node}: ")?;
                    for (k, (from, op)) in arch.cell.inputs(node).enumerate() {
                        let sep = if k == 0 { "" } else { " + " };
                        write!(f, "{sep}{op}( node{from} )")?;
                    }
                    f.write_str("  # ")?;
                    for (_, op) in arch.cell.inputs(node) {
                        write!(f, "{}", op.as_char())?;
                    }
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Arch;

    #[test]
    fn readme_macro_example() {
        let text = Arch::parse("64-1234-basic").unwrap().describe().to_string();
        assert_eq!(
            text,
            "Space: macro\n\
             Base channel: 64\n\
             Macro skeleton: 1234 (4 stacked modules) [m1(normal)-m2(channelx2)-m3(resolution/2)-m4(channelx2 & resolution/2)]\n\
             Cell structure: basic (ResNet Basic Block)"
        );
    }

    #[test]
    fn readme_micro_example() {
        let text = Arch::parse("64-41414-1_02_333").unwrap().describe().to_string();
        assert_eq!(
            text,
            "Space: micro\n\
             Base channel: 64\n\
             Macro skeleton: 41414 (5 stacked modules) [m1(channelx2 & resolution/2)-m2(normal)-m3(channelx2 & resolution/2)-m4(normal)-m5(channelx2 & resolution/2)]\n\
             Cell structure: 1_02_333 (4 nodes, 6 edges)\n  \
             node0: input tensor\n  \
             node1: Skip-Connect( node0 )  # 1\n  \
             node2: None( node0 ) + Conv1x1( node1 )  # 02\n  \
             node3: Conv3x3( node0 ) + Conv3x3( node1 ) + Conv3x3( node2 )  # 333"
        );
    }

    #[test]
    fn outside_the_spaces() {
        let text = Arch::parse("32-1-basic").unwrap().describe().to_string();
        assert!(text.starts_with("Space: none (not in TransNAS-Bench-101)\nBase channel: 32\n"));
        assert!(text.contains("(1 stacked module) [m1(normal)]"));
    }
}
