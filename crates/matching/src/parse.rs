//! Reading the instance text format in one streaming pass.
//!
//! ```text
//! mentees N mentors M edges E
//! c <mentor_id> <capacity>            M lines, mentor ids 0..M-1 in order, capacity 1..5
//! e <mentee_id> <mentor_id> <score>   E lines, mentee ids 0..N-1, score 0..1000
//! ```
//!
//! The `e` lines are sorted by mentee, then score descending, then mentor ascending; a pair
//! appears at most once. Lines end with `\n`.
//!
//! The reader never holds the whole file: it reads 1 MiB at a time and parses each line
//! straight into the compact [`Instance`], so memory stays near 4 bytes per candidate
//! whatever the file's size. Every rule is checked, and the first broken one is reported
//! with its line number; nothing in here panics on bad input.
//!
//! ```
//! use carrel_matching::parse::read_instance;
//!
//! let text = "mentees 2 mentors 1 edges 2\nc 0 1\ne 0 0 900\ne 1 0 800\n";
//! let instance = read_instance(text.as_bytes())?;
//! assert_eq!(instance.candidate_count(), 2);
//!
//! let broken = "mentees 2 mentors 1 edges 1\nc 0 1\ne 0 0 1200\n";
//! let error = read_instance(broken.as_bytes()).unwrap_err();
//! assert_eq!(error.to_string(), "line 3: score 1200 is above 1000");
//! # Ok::<(), carrel_matching::parse::ParseError>(())
//! ```

use std::fmt;
use std::io::Read;

use crate::instance::{Instance, InstanceBuilder, InstanceError, MAX_MENTEES, MAX_MENTORS};

const CHUNK: usize = 1 << 20;

// Reserving for a header's claimed candidate count is only address space until it is
// written, but a absurd claim must not make the allocation itself fail.
const MAX_RESERVED_CANDIDATES: u64 = 1 << 28;

/// A malformed instance file: the 1-based line and what is wrong with it.
#[derive(Debug)]
pub struct ParseError {
    line: u64,
    kind: ParseErrorKind,
}

impl ParseError {
    /// The 1-based line number where reading stopped.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// What is wrong.
    pub fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

/// What is wrong with a line of an instance file.
#[derive(Debug)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// Reading failed.
    Io(std::io::Error),
    /// The first line is not `mentees N mentors M edges E`.
    Header {
        /// The line as found (shortened).
        found: String,
    },
    /// A line where `c <mentor> <capacity>` was expected.
    MentorLine {
        /// The line as found (shortened).
        found: String,
    },
    /// A line where `e <mentee> <mentor> <score>` was expected.
    CandidateLine {
        /// The line as found (shortened).
        found: String,
    },
    /// Mentor lines must number mentors `0..M` in order.
    MentorNumber {
        /// The id the line should carry.
        expected: u64,
        /// The id it carries.
        found: u64,
    },
    /// A value that breaks an instance rule (range, order, duplicate).
    Invalid(InstanceError),
    /// The file ends before the header's counts are reached.
    Truncated {
        /// `c` or `e`.
        tag: char,
        /// How many such lines the header announced.
        expected: u64,
        /// How many were read.
        found: u64,
    },
    /// A line after the last `e` line the header announced.
    ExtraLine {
        /// The line as found (shortened).
        found: String,
    },
    /// A line longer than the reader's 1 MiB buffer.
    LineTooLong,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            ParseErrorKind::Io(error) => write!(f, "cannot read: {error}"),
            ParseErrorKind::Header { found } => {
                write!(f, "expected 'mentees N mentors M edges E', found {found:?}")
            }
            ParseErrorKind::MentorLine { found } => {
                write!(f, "expected 'c <mentor> <capacity>', found {found:?}")
            }
            ParseErrorKind::CandidateLine { found } => {
                write!(f, "expected 'e <mentee> <mentor> <score>', found {found:?}")
            }
            ParseErrorKind::MentorNumber { expected, found } => {
                write!(
                    f,
                    "expected mentor {expected} (mentors are numbered in order), found {found}"
                )
            }
            ParseErrorKind::Invalid(error) => write!(f, "{error}"),
            ParseErrorKind::Truncated {
                tag,
                expected,
                found,
            } => write!(
                f,
                "the file ends after {found} of the {expected} '{tag}' lines the header announces"
            ),
            ParseErrorKind::ExtraLine { found } => write!(
                f,
                "found {found:?} after the last 'e' line the header announces"
            ),
            ParseErrorKind::LineTooLong => write!(f, "line longer than 1 MiB"),
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ParseErrorKind::Io(error) => Some(error),
            ParseErrorKind::Invalid(error) => Some(error),
            _ => None,
        }
    }
}

/// Reads an instance in the text format from `reader`, streaming.
///
/// The reader is consumed in 1 MiB reads; wrap it in nothing (no `BufReader` is needed).
/// Returns the first problem found, with its line number.
pub fn read_instance(reader: impl Read) -> Result<Instance, ParseError> {
    let mut parser = Parser {
        line: 0,
        state: State::Header,
        builder: None,
    };
    let mut chunks = Chunks::new(reader);
    loop {
        let complete = chunks.fill().map_err(|kind| parser.error_at_next(kind))?;
        if complete.is_empty() {
            return parser.finish();
        }
        parser.parse_lines(complete)?;
    }
}

enum State {
    Header,
    Mentors {
        expected: u64,
        next: u64,
        candidates: u64,
    },
    Candidates {
        expected: u64,
        read: u64,
    },
}

struct Parser {
    line: u64,
    state: State,
    builder: Option<InstanceBuilder>,
}

impl Parser {
    // `lines` holds only whole lines, each ending in '\n'.
    fn parse_lines(&mut self, lines: &[u8]) -> Result<(), ParseError> {
        let mut at = 0;
        while at < lines.len() {
            self.line += 1;
            at = match self.state {
                State::Header => self.parse_header(lines, at)?,
                State::Mentors { .. } => self.parse_mentor(lines, at)?,
                State::Candidates { .. } => self.parse_candidates(lines, at)?,
            };
        }
        Ok(())
    }

    fn parse_header(&mut self, lines: &[u8], at: usize) -> Result<usize, ParseError> {
        let (line, next) = whole_line(lines, at);
        let counts = parse_header_fields(line).ok_or_else(|| {
            self.error(ParseErrorKind::Header {
                found: shorten(line),
            })
        })?;
        let (mentees, mentors, candidates) = counts;
        if mentees > MAX_MENTEES as u64
            || mentors > MAX_MENTORS as u64
            || candidates > u64::from(u32::MAX)
        {
            return Err(self.error(ParseErrorKind::Invalid(InstanceError::TooLarge)));
        }

        let reserve = candidates.min(MAX_RESERVED_CANDIDATES) as usize;
        let builder = InstanceBuilder::with_capacity(mentees as usize, mentors as usize, reserve)
            .map_err(|e| self.error(ParseErrorKind::Invalid(e)))?;
        self.builder = Some(builder);
        self.state = State::Mentors {
            expected: mentors,
            next: 0,
            candidates,
        };
        self.enter_candidates_if_no_mentors();
        Ok(next)
    }

    fn parse_mentor(&mut self, lines: &[u8], at: usize) -> Result<usize, ParseError> {
        let (line, next) = whole_line(lines, at);
        let State::Mentors {
            expected,
            next: number,
            candidates,
        } = self.state
        else {
            return Ok(next);
        };
        let Some((mentor, capacity)) = parse_tagged_pair(line, b'c') else {
            return Err(self.error(ParseErrorKind::MentorLine {
                found: shorten(line),
            }));
        };
        if mentor != number {
            return Err(self.error(ParseErrorKind::MentorNumber {
                expected: number,
                found: mentor,
            }));
        }
        let capacity = u8::try_from(capacity).unwrap_or(u8::MAX);
        let added = self.builder.as_mut().map(|b| b.add_mentor(capacity));
        if let Some(Err(mut error)) = added {
            if let InstanceError::Capacity { capacity: c, .. } = &mut error {
                *c = parse_tagged_pair(line, b'c').map_or(*c, |(_, raw)| raw);
            }
            return Err(self.error(ParseErrorKind::Invalid(error)));
        }

        self.state = State::Mentors {
            expected,
            next: number + 1,
            candidates,
        };
        self.enter_candidates_if_no_mentors();
        Ok(next)
    }

    fn enter_candidates_if_no_mentors(&mut self) {
        if let State::Mentors {
            expected,
            next,
            candidates,
        } = self.state
        {
            if next == expected {
                self.state = State::Candidates {
                    expected: candidates,
                    read: 0,
                };
            }
        }
    }

    // The hot loop: `e` lines are parsed in place, field by field, without first searching
    // for the line's end.
    fn parse_candidates(&mut self, lines: &[u8], mut at: usize) -> Result<usize, ParseError> {
        let State::Candidates { expected, mut read } = self.state else {
            return Ok(lines.len());
        };
        let Some(builder) = self.builder.as_mut() else {
            return Ok(lines.len());
        };
        // `parse_lines` counted the current line already.
        let mut line = self.line;
        let result = loop {
            if read == expected {
                let (found, _) = whole_line(lines, at);
                break Err(ParseErrorKind::ExtraLine {
                    found: shorten(found),
                });
            }
            let Some((mentee, mentor, score, next)) = parse_candidate_at(lines, at) else {
                let (found, _) = whole_line(lines, at);
                break Err(ParseErrorKind::CandidateLine {
                    found: shorten(found),
                });
            };
            if let Err(error) = push_checked(builder, mentee, mentor, score) {
                break Err(ParseErrorKind::Invalid(error));
            }
            read += 1;
            at = next;
            if at == lines.len() {
                break Ok(());
            }
            line += 1;
        };

        self.line = line;
        self.state = State::Candidates { expected, read };
        result.map(|()| at).map_err(|kind| self.error(kind))
    }

    fn finish(self) -> Result<Instance, ParseError> {
        let truncated = match self.state {
            State::Header => Some(ParseErrorKind::Header {
                found: String::new(),
            }),
            State::Mentors { expected, next, .. } => Some(ParseErrorKind::Truncated {
                tag: 'c',
                expected,
                found: next,
            }),
            State::Candidates { expected, read } if read < expected => {
                Some(ParseErrorKind::Truncated {
                    tag: 'e',
                    expected,
                    found: read,
                })
            }
            State::Candidates { .. } => None,
        };
        if let Some(kind) = truncated {
            return Err(self.error_at_next(kind));
        }
        self.builder
            .map(InstanceBuilder::build)
            .ok_or_else(|| ParseError {
                line: 1,
                kind: ParseErrorKind::Header {
                    found: String::new(),
                },
            })
    }

    fn error(&self, kind: ParseErrorKind) -> ParseError {
        ParseError {
            line: self.line,
            kind,
        }
    }

    fn error_at_next(&self, kind: ParseErrorKind) -> ParseError {
        ParseError {
            line: self.line + 1,
            kind,
        }
    }
}

fn push_checked(
    builder: &mut InstanceBuilder,
    mentee: u64,
    mentor: u64,
    score: u64,
) -> Result<(), InstanceError> {
    let mentee = u32::try_from(mentee).map_err(|_| InstanceError::MenteeOutOfRange {
        mentee,
        mentees: usize::MAX,
    })?;
    let mentor = u32::try_from(mentor).map_err(|_| InstanceError::MentorOutOfRange {
        mentor,
        mentors: builder.mentor_count(),
    })?;
    let score = u16::try_from(score).map_err(|_| InstanceError::Score { score })?;
    builder.push(mentee, mentor, score)
}

// Returns (mentee, mentor, score, start of the next line) for a well-formed `e` line.
#[inline]
fn parse_candidate_at(b: &[u8], at: usize) -> Option<(u64, u64, u64, usize)> {
    if *b.get(at)? != b'e' || *b.get(at + 1)? != b' ' {
        return None;
    }
    let (mentee, at) = number_at(b, at + 2)?;
    if *b.get(at)? != b' ' {
        return None;
    }
    let (mentor, at) = number_at(b, at + 1)?;
    if *b.get(at)? != b' ' {
        return None;
    }
    let (score, at) = number_at(b, at + 1)?;
    if *b.get(at)? != b'\n' {
        return None;
    }
    Some((mentee, mentor, score, at + 1))
}

// A run of 1 to 12 ASCII digits; twelve keep the value far from u64 overflow while still
// letting an out-of-range id be reported as a number.
#[inline]
fn number_at(b: &[u8], start: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut at = start;
    while let Some(&byte) = b.get(at) {
        let digit = byte.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        value = value * 10 + u64::from(digit);
        at += 1;
        if at - start > 12 {
            return None;
        }
    }
    (at > start).then_some((value, at))
}

fn parse_tagged_pair(line: &[u8], tag: u8) -> Option<(u64, u64)> {
    let mut fields = line.split(|&b| b == b' ');
    if fields.next()? != [tag] {
        return None;
    }
    let first = whole_number(fields.next()?)?;
    let second = whole_number(fields.next()?)?;
    fields.next().is_none().then_some((first, second))
}

fn parse_header_fields(line: &[u8]) -> Option<(u64, u64, u64)> {
    let fields: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
    let [b"mentees", n, b"mentors", m, b"edges", e] = fields.as_slice() else {
        return None;
    };
    Some((whole_number(n)?, whole_number(m)?, whole_number(e)?))
}

fn whole_number(field: &[u8]) -> Option<u64> {
    number_at(field, 0).and_then(|(value, end)| (end == field.len()).then_some(value))
}

// The line starting at `at` without its '\n', and where the next line starts.
fn whole_line(lines: &[u8], at: usize) -> (&[u8], usize) {
    let rest = lines.get(at..).unwrap_or_default();
    match rest.iter().position(|&b| b == b'\n') {
        Some(end) => (&rest[..end], at + end + 1),
        None => (rest, lines.len()),
    }
}

fn shorten(line: &[u8]) -> String {
    const SHOWN: usize = 60;
    let text = String::from_utf8_lossy(&line[..line.len().min(SHOWN)]).into_owned();
    if line.len() > SHOWN {
        format!("{text}...")
    } else {
        text
    }
}

// Reads the input in large chunks and hands out runs of whole lines.
struct Chunks<R> {
    reader: R,
    buffer: Vec<u8>,
    // Bytes of `buffer` that hold data, and where the whole lines handed out last end.
    filled: usize,
    handed: usize,
    eof: bool,
}

impl<R: Read> Chunks<R> {
    fn new(reader: R) -> Self {
        Self {
            reader,
            buffer: vec![0; CHUNK],
            filled: 0,
            handed: 0,
            eof: false,
        }
    }

    // The next run of whole lines; empty at the end of the input. A last line without a
    // final '\n' is given one.
    fn fill(&mut self) -> Result<&[u8], ParseErrorKind> {
        self.buffer.copy_within(self.handed..self.filled, 0);
        self.filled -= self.handed;
        self.handed = 0;
        while !self.eof && self.filled < self.buffer.len() {
            match self.reader.read(&mut self.buffer[self.filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(ParseErrorKind::Io(e)),
            }
        }

        let data = &self.buffer[..self.filled];
        self.handed = match data.iter().rposition(|&b| b == b'\n') {
            Some(last) => last + 1,
            None if self.filled == self.buffer.len() => return Err(ParseErrorKind::LineTooLong),
            None => 0,
        };
        if self.eof && self.handed < self.filled {
            if self.filled == self.buffer.len() {
                self.buffer.push(b'\n');
            } else {
                self.buffer[self.filled] = b'\n';
            }
            self.filled += 1;
            self.handed = self.filled;
        }
        Ok(&self.buffer[..self.handed])
    }
}

#[cfg(test)]
mod tests {
    use super::read_instance;

    macro_rules! rejects {
        ($($name:ident: $text:expr => $message:expr;)*) => {$(
            #[test]
            fn $name() {
                let error = read_instance($text.as_bytes()).err().map(|e| e.to_string());
                assert_eq!(error.as_deref(), Some($message));
            }
        )*};
    }

    rejects! {
        empty_file: "" => "line 1: expected 'mentees N mentors M edges E', found \"\"";
        bad_header: "mentees 2 mentors\n" =>
            "line 1: expected 'mentees N mentors M edges E', found \"mentees 2 mentors\"";
        bad_mentor_line: "mentees 1 mentors 1 edges 0\nc 0\n" =>
            "line 2: expected 'c <mentor> <capacity>', found \"c 0\"";
        mentor_out_of_order: "mentees 1 mentors 2 edges 0\nc 1 1\n" =>
            "line 2: expected mentor 0 (mentors are numbered in order), found 1";
        too_many_mentees: "mentees 4194305 mentors 1 edges 0\n" =>
            "line 1: too large: at most 4194304 mentees, 4194304 mentors and 4 billion \
             candidates are supported";
        too_many_mentors: "mentees 1 mentors 4194305 edges 0\n" =>
            "line 1: too large: at most 4194304 mentees, 4194304 mentors and 4 billion \
             candidates are supported";
        capacity_too_large: "mentees 1 mentors 1 edges 0\nc 0 6\n" =>
            "line 2: mentor 0 has capacity 6, expected 1 to 5";
        bad_candidate_line: "mentees 1 mentors 1 edges 1\nc 0 1\ne 0 0\n" =>
            "line 3: expected 'e <mentee> <mentor> <score>', found \"e 0 0\"";
        score_too_high: "mentees 1 mentors 1 edges 1\nc 0 1\ne 0 0 1001\n" =>
            "line 3: score 1001 is above 1000";
        mentee_out_of_range: "mentees 1 mentors 1 edges 1\nc 0 1\ne 1 0 5\n" =>
            "line 3: mentee 1 is out of range: there are 1 mentees";
        mentor_out_of_range: "mentees 1 mentors 1 edges 1\nc 0 1\ne 0 3 5\n" =>
            "line 3: mentor 3 is out of range: there are 1 mentors";
        unsorted: "mentees 1 mentors 2 edges 2\nc 0 1\nc 1 1\ne 0 0 5\ne 0 1 6\n" =>
            "line 5: candidate (mentee 0, mentor 1) is out of order: candidates must be sorted \
             by mentee, then score descending, then mentor ascending";
        duplicate: "mentees 1 mentors 1 edges 2\nc 0 1\ne 0 0 5\ne 0 0 4\n" =>
            "line 4: pair (mentee 0, mentor 0) is listed twice";
        too_few_lines: "mentees 1 mentors 1 edges 2\nc 0 1\ne 0 0 5\n" =>
            "line 4: the file ends after 1 of the 2 'e' lines the header announces";
        extra_line: "mentees 1 mentors 1 edges 1\nc 0 1\ne 0 0 5\ne 0 0 4\n" =>
            "line 4: found \"e 0 0 4\" after the last 'e' line the header announces";
        carriage_return: "mentees 1 mentors 1 edges 1\nc 0 1\ne 0 0 5\r\n" =>
            "line 3: expected 'e <mentee> <mentor> <score>', found \"e 0 0 5\\r\"";
    }

    #[test]
    fn reads_a_file_without_a_final_newline_and_mentees_without_lines() {
        let instance = read_instance("mentees 3 mentors 1 edges 1\nc 0 2\ne 1 0 5".as_bytes());
        let instance = instance.ok();
        assert_eq!(instance.as_ref().map(|i| i.candidate_count()), Some(1));
        assert_eq!(instance.as_ref().map(|i| i.candidates(0).len()), Some(0));
    }
}
