//! The MIME type grammar: a zero-copy, validating parser.
//!
//! The accepted language is RFC 9110's `media-type` (RFC 2045/2046 lineage) with the
//! leniencies every browser applies to `isTypeSupported` and the MediaRecorder
//! constructor:
//!
//! ```text
//! mime-type  = *WS type "/" subtype *( OWS ";" OWS [ parameter ] ) OWS *WS
//! parameter  = name OWS "=" OWS value
//! value      = quoted-string / 1*( tchar / "," / SP / HTAB )   ; unquoted: trimmed
//! type, subtype, name = token                                   ; compared case-insensitively
//! quoted-string = DQUOTE *( qdtext / "\" ( HTAB / SP / VCHAR / obs-text ) ) DQUOTE
//! OWS = *( SP / HTAB ),  WS = SP / HTAB / CR / LF
//! ```
//!
//! Choices where RFCs and browsers differ, and why:
//! - Whitespace is allowed around `=` and inside unquoted values (`codecs=vp8, opus`), as
//!   Chromium's and Firefox's parameter splitters accept it; the value is trimmed.
//! - `,` is allowed in unquoted values: Chromium itself reports `video/webm;codecs=vp8,opus`.
//! - Empty parameter slots (`audio/webm;` or `;;`) are skipped, as browsers do.
//! - A parameter without `=`, an empty value, an unterminated quote, text after a closing
//!   quote, or a non-token character where a token belongs is an error: the string is not
//!   a valid MIME type, so `isTypeSupported` answers false instead of guessing.
//! - A repeated parameter name is an error (RFC 6838 §4.3): two `codecs` lists would make
//!   the request ambiguous.
//! - At most [`MAX_PARAMS`] parameters, which bounds the duplicate check.
//! - `codecs` must hold a list of non-empty items (RFC 6381 lists name at least one codec).

use core::fmt;

/// The most parameters a MIME type may carry (browsers' types carry one or two).
pub const MAX_PARAMS: usize = 16;

/// What is wrong with a MIME type string, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntaxError {
    /// What went wrong.
    pub kind: SyntaxErrorKind,
    /// Byte offset into the string where the problem was found.
    pub offset: usize,
}

/// The ways a MIME type string can be malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// Nothing but whitespace.
    Empty,
    /// The type is empty or holds a character that is not a token character.
    InvalidType,
    /// No `/` after the type.
    MissingSlash,
    /// The subtype is empty or holds a character that is not a token character.
    InvalidSubtype,
    /// A parameter name is empty or not a token.
    InvalidParameterName,
    /// A parameter name is not followed by `=`.
    MissingEquals,
    /// A parameter value is empty.
    EmptyValue,
    /// An unquoted value holds a character outside tokens, `,` and whitespace.
    InvalidValue,
    /// A quoted string has no closing quote, or a forbidden character.
    InvalidQuotedString,
    /// Something other than `;` follows a parameter value.
    ExpectedSemicolon,
    /// The same parameter name appears twice.
    DuplicateParameter,
    /// More than [`MAX_PARAMS`] parameters.
    TooManyParameters,
    /// The `codecs` list has an empty item (`codecs=""`, `"vp8,,opus"`, `"vp8,"`).
    EmptyCodec,
}

impl SyntaxErrorKind {
    /// A short description.
    pub const fn as_str(self) -> &'static str {
        match self {
            SyntaxErrorKind::Empty => "empty MIME type",
            SyntaxErrorKind::InvalidType => "invalid type",
            SyntaxErrorKind::MissingSlash => "missing '/' after the type",
            SyntaxErrorKind::InvalidSubtype => "invalid subtype",
            SyntaxErrorKind::InvalidParameterName => "invalid parameter name",
            SyntaxErrorKind::MissingEquals => "parameter without '='",
            SyntaxErrorKind::EmptyValue => "empty parameter value",
            SyntaxErrorKind::InvalidValue => "invalid character in parameter value",
            SyntaxErrorKind::InvalidQuotedString => "malformed quoted string",
            SyntaxErrorKind::ExpectedSemicolon => "expected ';' after a parameter",
            SyntaxErrorKind::DuplicateParameter => "parameter given twice",
            SyntaxErrorKind::TooManyParameters => "too many parameters",
            SyntaxErrorKind::EmptyCodec => "empty item in the codecs list",
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind.as_str(), self.offset)
    }
}

/// RFC 9110 `tchar`.
pub(crate) const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// `qdtext` of a quoted string (bytes of non-ASCII characters count as `obs-text`).
const fn is_qdtext(b: u8) -> bool {
    b == b'\t' || b == b' ' || b == 0x21 || (b >= 0x23 && b <= 0x5B) || (b >= 0x5D && b != 0x7F)
}

/// What may follow `\` in a quoted string.
const fn is_quoted_pair_char(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7F)
}

fn skip(bytes: &[u8], mut i: usize, pred: fn(u8) -> bool) -> usize {
    while bytes.get(i).is_some_and(|&b| pred(b)) {
        i += 1;
    }
    i
}

/// A parameter value, exactly as written: a token, or the inside of a quoted string whose
/// `\` escapes are resolved only when read, so that parsing never copies.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Value<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> Value<'a> {
    /// A value with no escapes (a token, or text without `\`).
    pub const fn plain(text: &'a str) -> Self {
        Value { raw: text, escaped: false }
    }

    /// The text as written, `\` escapes included (quotes excluded).
    pub const fn raw(&self) -> &'a str {
        self.raw
    }

    /// The text, when it contains no escapes (the usual case): zero-copy access.
    pub fn as_str(&self) -> Option<&'a str> {
        if self.escaped && self.raw.contains('\\') { None } else { Some(self.raw) }
    }

    /// The characters with escapes resolved.
    pub fn chars(&self) -> Unescape<'a> {
        Unescape { inner: self.raw.chars(), escaped: self.escaped }
    }

    /// True when there are no characters.
    pub const fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Compares the unescaped text with `other`, ignoring ASCII case.
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        let mut mine = self.chars();
        let mut theirs = other.chars();
        loop {
            match (mine.next(), theirs.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
                _ => return false,
            }
        }
    }

    /// The part before the first `.`, e.g. `avc1` of `avc1.42E01E`: the codec *identifier*
    /// of the spec's "is type supported" step 6 (compare it case-insensitively).
    pub fn identifier(&self) -> Value<'a> {
        let end =
            units(self.raw, self.escaped).find(|u| u.ch == '.').map_or(self.raw.len(), |u| u.start);
        Value { raw: self.raw.get(..end).unwrap_or(self.raw), escaped: self.escaped }
    }
}

impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_str() {
            Some(s) => f.write_str(s),
            None => self.chars().try_for_each(|c| fmt::Write::write_char(f, c)),
        }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

/// Iterator over the characters of a [`Value`] with `\` escapes resolved.
#[derive(Debug, Clone)]
pub struct Unescape<'a> {
    inner: core::str::Chars<'a>,
    escaped: bool,
}

impl Iterator for Unescape<'_> {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        let c = self.inner.next()?;
        if self.escaped && c == '\\' { self.inner.next() } else { Some(c) }
    }
}

/// One unescaped character with the byte range of its written form.
struct Unit {
    start: usize,
    end: usize,
    ch: char,
}

fn units(raw: &str, escaped: bool) -> impl Iterator<Item = Unit> + '_ {
    let mut it = raw.char_indices().peekable();
    core::iter::from_fn(move || {
        let (start, c) = it.next()?;
        if escaped && c == '\\' {
            if let Some((i, ch)) = it.next() {
                return Some(Unit { start, end: i + ch.len_utf8(), ch });
            }
            return Some(Unit { start, end: start + 1, ch: c });
        }
        Some(Unit { start, end: start + c.len_utf8(), ch: c })
    })
}

/// One `name=value` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    /// The name as written (compare with [`str::eq_ignore_ascii_case`]).
    pub name: &'a str,
    /// The value.
    pub value: Value<'a>,
}

/// A parsed, valid MIME type borrowing the string it came from.
///
/// ```
/// use mediarec_mime::MimeType;
/// let t = MimeType::parse(r#"Video/WebM; codecs="vp8, opus""#).unwrap();
/// assert!(t.type_().eq_ignore_ascii_case("video"));
/// assert_eq!(t.subtype(), "WebM");
/// let codecs: Vec<_> = t.codecs().map(|c| c.as_str().unwrap()).collect();
/// assert_eq!(codecs, ["vp8", "opus"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MimeType<'a> {
    source: &'a str,
    type_: &'a str,
    subtype: &'a str,
    /// Everything after the subtype (already validated).
    rest: &'a str,
    codecs: Option<Value<'a>>,
}

impl<'a> MimeType<'a> {
    /// Parses and validates `s` (see the [module docs](self) for the grammar).
    pub fn parse(s: &'a str) -> Result<Self, SyntaxError> {
        let bytes = s.as_bytes();
        let start = skip(bytes, 0, is_ws);
        let mut end = bytes.len();
        while end > start && bytes.get(end - 1).is_some_and(|&b| is_ws(b)) {
            end -= 1;
        }
        if start == end {
            return Err(SyntaxError { kind: SyntaxErrorKind::Empty, offset: start });
        }
        let bytes = bytes.get(..end).unwrap_or(bytes);
        let err = |kind, offset| Err(SyntaxError { kind, offset });

        let type_end = skip(bytes, start, is_tchar);
        if type_end == start {
            return err(SyntaxErrorKind::InvalidType, start);
        }
        match bytes.get(type_end) {
            Some(b'/') => {}
            None => return err(SyntaxErrorKind::MissingSlash, type_end),
            Some(_) => {
                // `audio /webm` and `audio/mp4: …` style mistakes.
                let kind = if bytes.get(type_end..).is_some_and(|r| r.contains(&b'/')) {
                    SyntaxErrorKind::InvalidType
                } else {
                    SyntaxErrorKind::MissingSlash
                };
                return err(kind, type_end);
            }
        }
        let sub_start = type_end + 1;
        let sub_end = skip(bytes, sub_start, is_tchar);
        if sub_end == sub_start {
            return err(SyntaxErrorKind::InvalidSubtype, sub_start);
        }
        let after = skip(bytes, sub_end, is_ows);
        if after < bytes.len() && bytes.get(after) != Some(&b';') {
            return err(SyntaxErrorKind::InvalidSubtype, after);
        }

        let rest = s.get(sub_end..end).unwrap_or("");
        let mut codecs = None;
        let mut cursor = ParamCursor { text: rest, pos: 0, base: sub_end };
        let mut count = 0usize;
        while let Some((p, name_at, value_at)) = cursor.next_param()? {
            count += 1;
            if count > MAX_PARAMS {
                return err(SyntaxErrorKind::TooManyParameters, cursor.base + cursor.pos);
            }
            // Duplicate check against the parameters before this one (bounded by MAX_PARAMS).
            let mut earlier = ParamCursor { text: rest, pos: 0, base: sub_end };
            for _ in 1..count {
                if let Ok(Some((q, _, _))) = earlier.next_param()
                    && q.name.eq_ignore_ascii_case(p.name)
                {
                    return err(SyntaxErrorKind::DuplicateParameter, name_at);
                }
            }
            if p.name.eq_ignore_ascii_case("codecs") {
                if (Codecs { rest: Some(p.value) }).any(|c| c.is_empty()) {
                    return err(SyntaxErrorKind::EmptyCodec, value_at);
                }
                codecs = Some(p.value);
            }
        }

        Ok(MimeType {
            source: s,
            type_: s.get(start..type_end).unwrap_or(""),
            subtype: s.get(sub_start..sub_end).unwrap_or(""),
            rest,
            codecs,
        })
    }

    /// The string exactly as given (the spec keeps it verbatim for `mimeType`).
    pub const fn as_str(&self) -> &'a str {
        self.source
    }

    /// The type (`audio`, `video`, …) as written; compare case-insensitively.
    pub const fn type_(&self) -> &'a str {
        self.type_
    }

    /// The subtype (`webm`, `ogg`, …) as written; compare case-insensitively.
    pub const fn subtype(&self) -> &'a str {
        self.subtype
    }

    /// True when the type and subtype equal `type_`/`subtype`, ignoring ASCII case.
    pub fn is(&self, type_: &str, subtype: &str) -> bool {
        self.type_.eq_ignore_ascii_case(type_) && self.subtype.eq_ignore_ascii_case(subtype)
    }

    /// The parameters in order.
    pub fn params(&self) -> Params<'a> {
        Params { cursor: ParamCursor { text: self.rest, pos: 0, base: 0 } }
    }

    /// The value of the parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<Value<'a>> {
        self.params().find(|p| p.name.eq_ignore_ascii_case(name)).map(|p| p.value)
    }

    /// True when a `codecs` parameter is present.
    pub const fn has_codecs(&self) -> bool {
        self.codecs.is_some()
    }

    /// The codec strings of the `codecs` parameter: split on `,`, each trimmed of spaces
    /// and tabs. Empty when there is no `codecs` parameter.
    pub fn codecs(&self) -> Codecs<'a> {
        Codecs { rest: self.codecs }
    }
}

impl fmt::Display for MimeType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source)
    }
}

/// Iterator over the parameters of a [`MimeType`].
#[derive(Debug, Clone)]
pub struct Params<'a> {
    cursor: ParamCursor<'a>,
}

impl<'a> Iterator for Params<'a> {
    type Item = Param<'a>;
    fn next(&mut self) -> Option<Param<'a>> {
        // The text was validated by `MimeType::parse`, so errors cannot occur here.
        self.cursor.next_param().ok().flatten().map(|(p, _, _)| p)
    }
}

/// Iterator over the codec strings of a `codecs` parameter.
#[derive(Debug, Clone)]
pub struct Codecs<'a> {
    rest: Option<Value<'a>>,
}

impl<'a> Codecs<'a> {
    /// Splits any value as a codecs list.
    pub const fn new(list: Value<'a>) -> Self {
        Codecs { rest: Some(list) }
    }
}

impl<'a> Iterator for Codecs<'a> {
    type Item = Value<'a>;
    fn next(&mut self) -> Option<Value<'a>> {
        let list = self.rest.take()?;
        let (raw, escaped) = (list.raw, list.escaped);
        // The item ends at the first `,` (written plainly or as `\,`).
        let mut item_end = raw.len();
        let mut first: Option<usize> = None;
        let mut last_end = 0usize;
        for u in units(raw, escaped) {
            if u.ch == ',' {
                item_end = u.start;
                self.rest = Some(Value { raw: raw.get(u.end..).unwrap_or(""), escaped });
                break;
            }
            if u.ch != ' ' && u.ch != '\t' {
                first.get_or_insert(u.start);
                last_end = u.end;
            }
        }
        let item = match first {
            Some(s) => raw.get(s..last_end).unwrap_or(""),
            None => raw.get(item_end..item_end).unwrap_or(""),
        };
        Some(Value { raw: item, escaped })
    }
}

#[derive(Debug, Clone)]
struct ParamCursor<'a> {
    /// The text after the subtype.
    text: &'a str,
    pos: usize,
    /// Offset of `text` in the whole string, for error positions.
    base: usize,
}

impl<'a> ParamCursor<'a> {
    /// The next parameter with the absolute offsets of its name and value.
    fn next_param(&mut self) -> Result<Option<(Param<'a>, usize, usize)>, SyntaxError> {
        let bytes = self.text.as_bytes();
        let err = |kind, at: usize| Err(SyntaxError { kind, offset: self.base + at });
        loop {
            let mut i = skip(bytes, self.pos, is_ows);
            match bytes.get(i) {
                None => {
                    self.pos = i;
                    return Ok(None);
                }
                Some(b';') => i += 1,
                Some(_) => return err(SyntaxErrorKind::ExpectedSemicolon, i),
            }
            i = skip(bytes, i, is_ows);
            match bytes.get(i) {
                None | Some(b';') => {
                    self.pos = i;
                    continue;
                }
                Some(_) => {}
            }
            let name_start = i;
            let name_end = skip(bytes, i, is_tchar);
            if name_end == name_start {
                return err(SyntaxErrorKind::InvalidParameterName, i);
            }
            i = skip(bytes, name_end, is_ows);
            match bytes.get(i) {
                Some(b'=') => i += 1,
                Some(b';') | None => return err(SyntaxErrorKind::MissingEquals, i),
                Some(_) => return err(SyntaxErrorKind::InvalidParameterName, i),
            }
            i = skip(bytes, i, is_ows);
            let value_at = self.base + i;
            let value = if bytes.get(i) == Some(&b'"') {
                let v_start = i + 1;
                let mut j = v_start;
                let mut has_escape = false;
                loop {
                    match bytes.get(j) {
                        None => return err(SyntaxErrorKind::InvalidQuotedString, j),
                        Some(b'"') => break,
                        Some(b'\\') => match bytes.get(j + 1) {
                            Some(&b) if is_quoted_pair_char(b) => {
                                has_escape = true;
                                j += 2;
                            }
                            _ => return err(SyntaxErrorKind::InvalidQuotedString, j),
                        },
                        Some(&b) if is_qdtext(b) => j += 1,
                        Some(_) => return err(SyntaxErrorKind::InvalidQuotedString, j),
                    }
                }
                let v = Value { raw: self.text.get(v_start..j).unwrap_or(""), escaped: has_escape };
                i = skip(bytes, j + 1, is_ows);
                if !matches!(bytes.get(i), None | Some(b';')) {
                    return err(SyntaxErrorKind::ExpectedSemicolon, i);
                }
                v
            } else {
                let v_start = i;
                let mut j = i;
                let mut v_end = i;
                while let Some(&b) = bytes.get(j) {
                    if b == b';' {
                        break;
                    }
                    if is_tchar(b) || b == b',' {
                        j += 1;
                        v_end = j;
                    } else if is_ows(b) {
                        j += 1;
                    } else {
                        return err(SyntaxErrorKind::InvalidValue, j);
                    }
                }
                if v_end == v_start {
                    return err(SyntaxErrorKind::EmptyValue, v_start);
                }
                i = j;
                Value::plain(self.text.get(v_start..v_end).unwrap_or(""))
            };
            self.pos = i;
            let name = self.text.get(name_start..name_end).unwrap_or("");
            return Ok(Some((Param { name, value }, self.base + name_start, value_at)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> SyntaxErrorKind {
        MimeType::parse(s).unwrap_err().kind
    }

    fn codecs(s: &str) -> Vec<String> {
        MimeType::parse(s).unwrap().codecs().map(|c| c.to_string()).collect()
    }

    extern crate std;
    use std::string::{String, ToString};
    use std::vec::Vec;

    #[test]
    fn type_and_subtype_are_tokens_kept_as_written() {
        let t = MimeType::parse("AUDIO/WebM").unwrap();
        assert_eq!((t.type_(), t.subtype()), ("AUDIO", "WebM"));
        assert!(t.is("audio", "webm"));
        assert!(!t.has_codecs());
        assert_eq!(t.codecs().count(), 0);
        assert_eq!(t.as_str(), "AUDIO/WebM");
    }

    #[test]
    fn surrounding_whitespace_is_ignored() {
        let t = MimeType::parse(" \t\r\naudio/ogg \n").unwrap();
        assert!(t.is("audio", "ogg"));
    }

    #[test]
    fn empty_and_blank_strings_are_errors() {
        assert_eq!(kind(""), SyntaxErrorKind::Empty);
        assert_eq!(kind("  \t"), SyntaxErrorKind::Empty);
    }

    #[test]
    fn type_errors() {
        assert_eq!(kind("/webm"), SyntaxErrorKind::InvalidType);
        assert_eq!(kind("audio"), SyntaxErrorKind::MissingSlash);
        assert_eq!(kind("audio webm"), SyntaxErrorKind::MissingSlash);
        assert_eq!(kind("audio /webm"), SyntaxErrorKind::InvalidType);
        assert_eq!(kind("au(dio/webm"), SyntaxErrorKind::InvalidType);
    }

    #[test]
    fn subtype_errors_include_the_wpt_colon_strings() {
        assert_eq!(kind("audio/"), SyntaxErrorKind::InvalidSubtype);
        assert_eq!(kind("audio/ webm"), SyntaxErrorKind::InvalidSubtype);
        assert_eq!(kind("audio/webm/x"), SyntaxErrorKind::InvalidSubtype);
        let e = MimeType::parse(r#"audio/mp4: codecs="mp4a.40.2""#).unwrap_err();
        assert_eq!(e, SyntaxError { kind: SyntaxErrorKind::InvalidSubtype, offset: 9 });
        assert_eq!(kind(r#"video/mp4: codecs="avc1""#), SyntaxErrorKind::InvalidSubtype);
    }

    #[test]
    fn parameter_names_are_case_insensitive() {
        let t = MimeType::parse("audio/webm;CODECS=opus").unwrap();
        assert_eq!(t.param("codecs").unwrap().as_str(), Some("opus"));
        assert_eq!(codecs("audio/webm;Codecs=opus"), ["opus"]);
    }

    #[test]
    fn whitespace_around_semicolon_and_equals() {
        for s in [
            "audio/webm;codecs=opus",
            "audio/webm ; codecs=opus",
            "audio/webm\t;\tcodecs = opus",
            "audio/webm;codecs= opus ",
            "audio/webm;codecs =\"opus\" ",
        ] {
            assert_eq!(codecs(s), ["opus"], "{s}");
        }
    }

    #[test]
    fn codecs_lists_split_on_commas_and_trim_items() {
        assert_eq!(codecs(r#"video/webm; codecs="vp8, opus""#), ["vp8", "opus"]);
        assert_eq!(codecs("video/webm;codecs=vp8,opus"), ["vp8", "opus"]);
        assert_eq!(codecs("video/webm;codecs=vp8 ,\topus"), ["vp8", "opus"]);
        assert_eq!(codecs(r#"video/webm;codecs=" vp9.0 ,opus ""#), ["vp9.0", "opus"]);
        assert_eq!(codecs("video/mp4;codecs=avc1.64003E,mp4a.40.2"), ["avc1.64003E", "mp4a.40.2"]);
    }

    #[test]
    fn empty_codec_items_are_errors() {
        for s in [
            r#"audio/webm;codecs="""#,
            "audio/webm;codecs=\"vp8,,opus\"",
            "audio/webm;codecs=opus,",
            r#"audio/webm;codecs=" , ""#,
        ] {
            assert_eq!(kind(s), SyntaxErrorKind::EmptyCodec, "{s}");
        }
    }

    #[test]
    fn quoted_strings_resolve_escapes() {
        let t = MimeType::parse(r#"audio/webm;codecs="op\us";x="a\"b\\c""#).unwrap();
        let c = t.codecs().next().unwrap();
        assert_eq!(c.as_str(), None);
        assert_eq!(c.raw(), r"op\us");
        assert_eq!(c.to_string(), "opus");
        assert!(c.eq_ignore_ascii_case("OPUS"));
        assert_eq!(t.param("x").unwrap().to_string(), r#"a"b\c"#);
        // An escaped comma still separates, escaped spaces are trimmed like plain ones.
        assert_eq!(codecs(r#"video/webm;codecs="vp8\,\ opus""#), ["vp8", "opus"]);
        // Quoted strings may hold `;` and `=` without ending the parameter.
        let t = MimeType::parse(r#"audio/webm;x="a;b=c";codecs=opus"#).unwrap();
        assert_eq!(t.param("x").unwrap().as_str(), Some("a;b=c"));
        assert_eq!(codecs(r#"audio/webm;x="a;b=c";codecs=opus"#), ["opus"]);
    }

    #[test]
    fn quoted_string_errors() {
        assert_eq!(kind(r#"audio/webm;codecs="opus"#), SyntaxErrorKind::InvalidQuotedString);
        assert_eq!(kind("audio/webm;codecs=\"op\u{7}us\""), SyntaxErrorKind::InvalidQuotedString);
        assert_eq!(kind(r#"audio/webm;codecs="opus\"#), SyntaxErrorKind::InvalidQuotedString);
        assert_eq!(kind(r#"audio/webm;codecs="opus"x"#), SyntaxErrorKind::ExpectedSemicolon);
    }

    #[test]
    fn unknown_parameters_are_kept_and_iterated_in_order() {
        let t = MimeType::parse("audio/webm; rate=48000; codecs=opus; x-Foo=\"b a r\"").unwrap();
        let params: Vec<_> = t.params().map(|p| (p.name, p.value.to_string())).collect();
        assert_eq!(
            params,
            [("rate", "48000".into()), ("codecs", "opus".into()), ("x-Foo", "b a r".into())]
        );
        assert_eq!(t.param("X-FOO").unwrap().to_string(), "b a r");
        assert_eq!(t.param("missing"), None);
    }

    #[test]
    fn duplicate_parameters_are_errors() {
        assert_eq!(kind("audio/webm;codecs=opus;CODECS=pcm"), SyntaxErrorKind::DuplicateParameter);
        assert_eq!(kind("audio/webm;a=1;b=2;a=3"), SyntaxErrorKind::DuplicateParameter);
    }

    #[test]
    fn too_many_parameters_is_an_error() {
        let mut s = String::from("audio/webm");
        for i in 0..MAX_PARAMS {
            s.push_str(&std::format!(";p{i}=1"));
        }
        assert!(MimeType::parse(&s).is_ok());
        s.push_str(";last=1");
        assert_eq!(kind(&s), SyntaxErrorKind::TooManyParameters);
    }

    #[test]
    fn empty_parameter_slots_are_skipped() {
        assert!(MimeType::parse("audio/webm;").is_ok());
        assert!(MimeType::parse("audio/webm ; ;").is_ok());
        assert_eq!(codecs("audio/webm;;codecs=opus;"), ["opus"]);
    }

    #[test]
    fn malformed_parameters_are_errors() {
        assert_eq!(kind("audio/webm;codecs"), SyntaxErrorKind::MissingEquals);
        assert_eq!(kind("audio/webm;codecs;x=1"), SyntaxErrorKind::MissingEquals);
        assert_eq!(kind("audio/webm;=opus"), SyntaxErrorKind::InvalidParameterName);
        assert_eq!(kind("audio/webm;co:decs=opus"), SyntaxErrorKind::InvalidParameterName);
        assert_eq!(kind("audio/webm;codecs="), SyntaxErrorKind::EmptyValue);
        assert_eq!(kind("audio/webm;codecs= ;x=1"), SyntaxErrorKind::EmptyValue);
        assert_eq!(kind("audio/webm;codecs=op\"us"), SyntaxErrorKind::InvalidValue);
        assert_eq!(kind("audio/webm;codecs=a/b"), SyntaxErrorKind::InvalidValue);
        assert_eq!(kind("audio/webm codecs=opus"), SyntaxErrorKind::InvalidSubtype);
    }

    #[test]
    fn identifiers_are_the_part_before_the_first_dot() {
        let t = MimeType::parse("video/mp4;codecs=\"av01.0.04M.08,Mp4a.40.2,opus,a\\.b\"").unwrap();
        let ids: Vec<String> = t.codecs().map(|c| c.identifier().to_string()).collect();
        assert_eq!(ids, ["av01", "Mp4a", "opus", "a"]);
    }

    #[test]
    fn non_ascii_is_only_allowed_inside_quotes() {
        assert_eq!(kind("audio/wébm"), SyntaxErrorKind::InvalidSubtype);
        let t = MimeType::parse("audio/webm;title=\"é\\ü\"").unwrap();
        assert_eq!(t.param("title").unwrap().to_string(), "éü");
    }
}
