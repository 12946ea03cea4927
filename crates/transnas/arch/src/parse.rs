//! Parsing arch strings: `<base>-<skeleton>-<basic | a_bc_def>`.

use std::fmt;
use std::str::FromStr;

use crate::arch::{Arch, Cell, MAX_MODULES, Module, Op, Skeleton};

/// Why an arch string failed to parse: what was expected, what was found, and at which byte.
///
/// Displays as one lowercase line, e.g.
/// `expected skeleton module digit 1-4 or '-' at byte 6, found '5'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    offset: usize,
    expected: &'static str,
    found: Found,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    End,
    Char(char),
    // Already rendered for display (quoted and escaped, so it stays on one line).
    Text(String),
}

impl ParseError {
    /// Byte offset into the input where parsing failed.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What the parser expected at [`offset`](Self::offset), e.g. `micro op digit 0-3`.
    pub fn expected(&self) -> &str {
        self.expected
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {} at byte {}, found ", self.expected, self.offset)?;
        match &self.found {
            Found::End => f.write_str("end of input"),
            // `{:?}` escapes control and invisible characters, keeping the message on one line.
            Found::Char(c) => write!(f, "{c:?}"),
            Found::Text(text) => f.write_str(text),
        }
    }
}

impl std::error::Error for ParseError {}

const EXPECT_BASE: &str = "base channel count (decimal digits)";
const EXPECT_BASE_NONZERO: &str = "base channel count starting with a nonzero digit";
const EXPECT_BASE_RANGE: &str = "base channel count of at most 4294967295";
const EXPECT_DASH_AFTER_BASE: &str = "'-' after the base channel count";
const EXPECT_MODULE: &str = "skeleton module digit 1-4";
const EXPECT_MODULE_OR_DASH: &str = "skeleton module digit 1-4 or '-'";
const EXPECT_DASH_AFTER_MAX: &str = "'-' after 6 skeleton modules";
const EXPECT_CELL: &str = "cell 'basic' or micro ops like 1_02_333";
const EXPECT_OP: &str = "micro op digit 0-3";
const EXPECT_UNDERSCORE: &str = "'_' between micro cell nodes";
const EXPECT_END: &str = "end of input";

// Quoted remainders longer than this are cut, so a huge input cannot make a huge message.
const MAX_QUOTED_CHARS: usize = 24;

/// A position in the input that only ever advances by whole characters, so slicing at it is
/// always on a char boundary; `get` is still used so no input can cause a panic.
struct Cursor<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        self.input.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn error(&self, expected: &'static str) -> ParseError {
        ParseError {
            offset: self.pos,
            expected,
            found: self.peek().map_or(Found::End, Found::Char),
        }
    }

    fn expect(&mut self, want: char, expected: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(want) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    fn base(&mut self) -> Result<u32, ParseError> {
        let start = self.pos;
        match self.peek() {
            Some('1'..='9') => {}
            Some('0') => return Err(self.error(EXPECT_BASE_NONZERO)),
            _ => return Err(self.error(EXPECT_BASE)),
        }
        let mut value: Option<u32> = Some(0);
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            self.bump();
            value = value.and_then(|v| v.checked_mul(10)).and_then(|v| v.checked_add(digit));
        }
        value.ok_or(ParseError {
            offset: start,
            expected: EXPECT_BASE_RANGE,
            found: Found::Text("a larger number".to_owned()),
        })
    }

    // Reads the modules and the `-` after them, whose expected text depends on the count.
    fn skeleton(&mut self) -> Result<Skeleton, ParseError> {
        let mut modules = [Module::Normal; MAX_MODULES];
        let mut len = 0;
        while let Some(module) = self.peek().and_then(Module::from_char) {
            let Some(slot) = modules.get_mut(len) else {
                return Err(self.error(EXPECT_DASH_AFTER_MAX));
            };
            *slot = module;
            len += 1;
            self.bump();
        }
        // `None` only when no module was read.
        let skeleton =
            modules.get(..len).and_then(Skeleton::new).ok_or_else(|| self.error(EXPECT_MODULE))?;
        let after = if len == MAX_MODULES { EXPECT_DASH_AFTER_MAX } else { EXPECT_MODULE_OR_DASH };
        self.expect('-', after)?;
        Ok(skeleton)
    }

    fn cell(&mut self) -> Result<Cell, ParseError> {
        if self.rest().starts_with("basic") {
            self.pos += "basic".len();
            return Ok(Cell::Basic);
        }
        if self.peek().and_then(Op::from_char).is_none() {
            return Err(self.cell_mismatch());
        }
        let mut ops = [Op::None; 6];
        for (i, slot) in ops.iter_mut().enumerate() {
            // Nodes 2 and 3 start at edges 1 and 3 (`a_bc_def`).
            if i == 1 || i == 3 {
                self.expect('_', EXPECT_UNDERSCORE)?;
            }
            *slot = self.peek().and_then(Op::from_char).ok_or_else(|| self.error(EXPECT_OP))?;
            self.bump();
        }
        Ok(Cell::Micro(ops))
    }

    // Neither cell form matched at the first character; quoting the remainder shows near misses
    // like `basi` or `Basic` better than a single character would.
    fn cell_mismatch(&self) -> ParseError {
        let rest = self.rest();
        if rest.is_empty() {
            return self.error(EXPECT_CELL);
        }
        let mut quoted: String = rest.chars().take(MAX_QUOTED_CHARS).collect();
        let cut = quoted.len() < rest.len();
        quoted = format!("{quoted:?}");
        if cut {
            quoted.push_str("...");
        }
        ParseError { offset: self.pos, expected: EXPECT_CELL, found: Found::Text(quoted) }
    }

    fn end(&self) -> Result<(), ParseError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error(EXPECT_END)),
        }
    }
}

impl Arch {
    /// Parses any grammatical arch string: a base channel count (decimal, no leading zero, fits
    /// `u32`), `-`, 1-6 skeleton digits `1`-`4`, `-`, then `basic` or micro ops `a_bc_def` with
    /// digits `0`-`3`.
    ///
    /// Accepts strings outside the benchmark's spaces (check with [`Arch::space`]); never
    /// panics. Formatting the result with `Display` gives back the input exactly.
    pub fn parse(input: &str) -> Result<Arch, ParseError> {
        let mut cursor = Cursor { input, pos: 0 };
        let base_channels = cursor.base()?;
        cursor.expect('-', EXPECT_DASH_AFTER_BASE)?;
        let skeleton = cursor.skeleton()?;
        let cell = cursor.cell()?;
        cursor.end()?;
        Ok(Arch::new(base_channels, skeleton, cell))
    }
}

impl FromStr for Arch {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Arch, ParseError> {
        Arch::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: &str) -> String {
        match Arch::parse(input) {
            Ok(arch) => panic!("{input:?} parsed as {arch}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_readme_examples() {
        let m = Arch::parse("64-1234-basic").unwrap();
        assert_eq!(m.base_channels, 64);
        assert_eq!(
            m.skeleton.as_slice(),
            [Module::Normal, Module::ChannelX2, Module::ResolutionHalf, Module::Both]
        );
        assert_eq!(m.cell, Cell::Basic);

        let u: Arch = "64-41414-1_02_333".parse().unwrap();
        assert_eq!(u.skeleton, Skeleton::MICRO);
        assert_eq!(
            u.cell,
            Cell::Micro([
                Op::SkipConnect,
                Op::None,
                Op::Conv1x1,
                Op::Conv3x3,
                Op::Conv3x3,
                Op::Conv3x3
            ])
        );
    }

    #[test]
    fn round_trips_grammatical_strings_outside_the_spaces() {
        for s in [
            "1-1-basic",
            "4294967295-444444-basic",
            "32-1-3_33_333",
            "64-41414-basic",
            "128-123412-0_12_301",
        ] {
            assert_eq!(Arch::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn error_messages_are_precise() {
        let cases = [
            ("", "expected base channel count (decimal digits) at byte 0, found end of input"),
            ("-64-1234-basic", "expected base channel count (decimal digits) at byte 0, found '-'"),
            (
                "064-1234-basic",
                "expected base channel count starting with a nonzero digit at byte 0, found '0'",
            ),
            (
                "0-1234-basic",
                "expected base channel count starting with a nonzero digit at byte 0, found '0'",
            ),
            (
                "4294967296-1-basic",
                "expected base channel count of at most 4294967295 at byte 0, found a larger number",
            ),
            ("64", "expected '-' after the base channel count at byte 2, found end of input"),
            ("64_1234-basic", "expected '-' after the base channel count at byte 2, found '_'"),
            ("64--basic", "expected skeleton module digit 1-4 at byte 3, found '-'"),
            ("64-1235-basic", "expected skeleton module digit 1-4 or '-' at byte 6, found '5'"),
            ("64-1234", "expected skeleton module digit 1-4 or '-' at byte 7, found end of input"),
            ("64-1111111-basic", "expected '-' after 6 skeleton modules at byte 9, found '1'"),
            ("64-111111x", "expected '-' after 6 skeleton modules at byte 9, found 'x'"),
            (
                "64-1234-",
                "expected cell 'basic' or micro ops like 1_02_333 at byte 8, found end of input",
            ),
            (
                "64-1234-basi",
                "expected cell 'basic' or micro ops like 1_02_333 at byte 8, found \"basi\"",
            ),
            (
                "64-1234-Basic",
                "expected cell 'basic' or micro ops like 1_02_333 at byte 8, found \"Basic\"",
            ),
            ("64-1234-basic-", "expected end of input at byte 13, found '-'"),
            ("64-1234-basic\n", "expected end of input at byte 13, found '\\n'"),
            ("64-41414-1_02_334", "expected micro op digit 0-3 at byte 16, found '4'"),
            ("64-41414-1_02_33", "expected micro op digit 0-3 at byte 16, found end of input"),
            ("64-41414-1_023_333", "expected '_' between micro cell nodes at byte 13, found '3'"),
            ("64-41414-1-02-333", "expected '_' between micro cell nodes at byte 10, found '-'"),
            ("64-41414-1_02_333_", "expected end of input at byte 17, found '_'"),
            ("64-41414-1_02_3333", "expected end of input at byte 17, found '3'"),
            (
                "64-41414-4_02_333",
                "expected cell 'basic' or micro ops like 1_02_333 at byte 9, found \"4_02_333\"",
            ),
            (
                "６４-1234-basic",
                "expected base channel count (decimal digits) at byte 0, found '６'",
            ),
            ("64-12３4-basic", "expected skeleton module digit 1-4 or '-' at byte 5, found '３'"),
            ("64-1234-basic\u{200b}", "expected end of input at byte 13, found '\\u{200b}'"),
        ];
        for (input, message) in cases {
            assert_eq!(err(input), message, "input {input:?}");
        }
    }

    #[test]
    fn long_remainders_are_cut_in_messages() {
        let input = format!("64-1234-{}", "x".repeat(10_000));
        let message = err(&input);
        assert!(message.len() < 120, "{message}");
        assert!(message.ends_with("\"..."), "{message}");
    }

    #[test]
    fn error_accessors() {
        let e = Arch::parse("64-41414-1_02_33x").unwrap_err();
        assert_eq!(e.offset(), 16);
        assert_eq!(e.expected(), "micro op digit 0-3");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(!boxed.to_string().contains('\n'));
    }

    #[test]
    fn never_panics_on_odd_inputs() {
        let huge_number = "9".repeat(5000);
        let many_dashes = "-".repeat(1000);
        let inputs = [
            "",
            "-",
            "--",
            "64-",
            "64--",
            "64-1234--basic",
            "64-41414-1__02_333",
            "é",
            "64-é",
            "64-1234-é",
            "64-41414-1_é",
            "🦀-🦀-🦀",
            "\0",
            "64\u{0}-1234-basic",
            "   64-1234-basic",
            "+64-1234-basic",
            huge_number.as_str(),
            many_dashes.as_str(),
        ];
        for input in inputs {
            let message = err(input);
            assert!(message.starts_with("expected "), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
        let huge = format!("{huge_number}-1234-basic");
        assert!(err(&huge).contains("at most 4294967295"));
        // Every prefix of a valid string, cut at any byte, must fail cleanly, not panic.
        let valid = "64-41414-1_02_333";
        for end in 0..valid.len() {
            assert!(Arch::parse(&valid[..end]).is_err());
        }
    }

    #[test]
    fn never_panics_on_pseudo_random_inputs() {
        let alphabet: Vec<char> = "0123456789-_basicé🦀 x".chars().collect();
        let mut rng = tnb_testrng::TestRng::new(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let len = rng.below(20);
            let s: String = (0..len).map(|_| alphabet[rng.below(alphabet.len())]).collect();
            if let Ok(arch) = Arch::parse(&s) {
                assert_eq!(arch.to_string(), s);
            }
        }
    }
}
