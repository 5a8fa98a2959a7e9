//! Uploaded files: what is accepted, how its type is told from its content, where it is
//! kept and how it is named for download.
//!
//! A file is accepted when its first bytes (and for office documents, the entries of the
//! ZIP archive they are) say it is one of the allowed types *and* its name's extension
//! agrees. It is stored under a random name in `<data_dir>/uploads/`, never under the name
//! it came with, and always served as an attachment.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The request body limit of the upload route: the file plus room for the form around it.
pub const UPLOAD_BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// An office document may unpack to at most this much; more is a ZIP bomb.
const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// An office document may hold at most this many entries.
const MAX_ZIP_ENTRIES: usize = 5_000;
/// Images larger than this many pixels are refused (decompression bombs).
const MAX_PIXELS: u64 = 40_000_000;

/// A type of file the library accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    /// PDF.
    Pdf,
    /// Word document.
    Docx,
    /// PowerPoint presentation.
    Pptx,
    /// Excel workbook.
    Xlsx,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// WebP image.
    Webp,
}

impl FileType {
    /// The media type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileType::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
            FileType::Gif => "image/gif",
            FileType::Webp => "image/webp",
        }
    }

    /// The extensions a file of this type may have.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileType::Pdf => &["pdf"],
            FileType::Docx => &["docx"],
            FileType::Pptx => &["pptx"],
            FileType::Xlsx => &["xlsx"],
            FileType::Png => &["png"],
            FileType::Jpeg => &["jpg", "jpeg"],
            FileType::Gif => &["gif"],
            FileType::Webp => &["webp"],
        }
    }

    /// A short name for people.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Docx => "Word document",
            FileType::Pptx => "PowerPoint presentation",
            FileType::Xlsx => "Excel workbook",
            FileType::Png => "PNG image",
            FileType::Jpeg => "JPEG image",
            FileType::Gif => "GIF image",
            FileType::Webp => "WebP image",
        }
    }

    /// The label for a stored media type.
    pub fn label_of(content_type: &str) -> &'static str {
        ALL_TYPES
            .iter()
            .find(|t| t.content_type() == content_type)
            .map_or("File", |t| t.label())
    }
}

const ALL_TYPES: [FileType; 8] = [
    FileType::Pdf,
    FileType::Docx,
    FileType::Pptx,
    FileType::Xlsx,
    FileType::Png,
    FileType::Jpeg,
    FileType::Gif,
    FileType::Webp,
];

/// Why an upload is refused, each with the words shown at the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No file was chosen.
    #[error("Choose a file to upload.")]
    Empty,
    /// Larger than [`MAX_FILE_BYTES`].
    #[error("The file is larger than 10 MB. Make it smaller or share it as a link.")]
    TooLarge,
    /// The name has folder parts or invisible characters.
    #[error(
        "The file name may not contain folders (/ or \\) or invisible characters. Rename the \
         file and upload it again."
    )]
    BadName,
    /// The content is none of the accepted types.
    #[error(
        "This file is not a PDF, Word, PowerPoint, Excel or image file (PNG, JPEG, GIF, WebP)."
    )]
    UnknownType,
    /// The content and the extension disagree.
    #[error("The file's name does not match what it contains. Check that it is the right file.")]
    Disguised,
    /// An archive that unpacks to far more than it weighs, or a huge image.
    #[error("The file is too large once opened. Upload a simpler or smaller version.")]
    Bomb,
}

/// Checks a file name as sent by the browser and returns the name to show and download as.
pub fn check_name(name: &str) -> Result<String, Refusal> {
    let name = name.trim();
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}')
            || matches!(c, '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if name.is_empty() {
        return Err(Refusal::Empty);
    }
    if name.contains(['/', '\\']) || name.chars().any(invisible) || name.starts_with('.') {
        return Err(Refusal::BadName);
    }
    if name.chars().count() > 200 {
        return Err(Refusal::BadName);
    }
    Ok(name.to_owned())
}

/// Tells the type of a file from its content and checks it against its name.
pub fn check_content(name: &str, bytes: &[u8]) -> Result<FileType, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge);
    }
    let detected = sniff(bytes)?;
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    if !detected.extensions().contains(&extension.as_str()) {
        return Err(Refusal::Disguised);
    }
    if pixels(detected, bytes).is_some_and(|p| p > MAX_PIXELS) {
        return Err(Refusal::Bomb);
    }
    Ok(detected)
}

/// The type the first bytes announce; office documents are told apart by their entries.
pub fn sniff(bytes: &[u8]) -> Result<FileType, Refusal> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"%PDF-") {
        Ok(FileType::Pdf)
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Ok(FileType::Png)
    } else if starts(&[0xFF, 0xD8, 0xFF]) {
        Ok(FileType::Jpeg)
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Ok(FileType::Gif)
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Ok(FileType::Webp)
    } else if starts(b"PK\x03\x04") {
        office_type(bytes)
    } else {
        Err(Refusal::UnknownType)
    }
}

/// An entry of a ZIP archive's central directory.
#[derive(Debug, PartialEq, Eq)]
struct ZipEntry {
    name: String,
    unpacked: u64,
}

fn office_type(bytes: &[u8]) -> Result<FileType, Refusal> {
    let entries = zip_entries(bytes).ok_or(Refusal::UnknownType)?;
    if entries.len() > MAX_ZIP_ENTRIES {
        return Err(Refusal::Bomb);
    }
    let unpacked: u64 = entries.iter().map(|e| e.unpacked).sum();
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(Refusal::Bomb);
    }

    let has = |prefix: &str| entries.iter().any(|e| e.name.starts_with(prefix));
    if !has("[Content_Types].xml") {
        return Err(Refusal::UnknownType);
    }
    if has("word/") {
        Ok(FileType::Docx)
    } else if has("ppt/") {
        Ok(FileType::Pptx)
    } else if has("xl/") {
        Ok(FileType::Xlsx)
    } else {
        Err(Refusal::UnknownType)
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<usize> {
    let b = bytes.get(at..at + 2)?;
    Some(usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at + 4)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

/// Reads the names and unpacked sizes of a ZIP archive from its central directory, without
/// unpacking anything. `None` when the archive is not well formed.
fn zip_entries(bytes: &[u8]) -> Option<Vec<ZipEntry>> {
    // The end record is within the last 22 + 65,535 bytes (its comment is at most that).
    const END_SIGNATURE: &[u8] = b"PK\x05\x06";
    let search_from = bytes.len().saturating_sub(22 + 65_535);
    let end = (search_from..=bytes.len().checked_sub(22)?)
        .rev()
        .find(|&at| bytes.get(at..at + 4) == Some(END_SIGNATURE))?;
    let count = u16_at(bytes, end + 10)?;
    let mut at = usize::try_from(u32_at(bytes, end + 16)?).ok()?;

    let mut entries = Vec::with_capacity(count.min(MAX_ZIP_ENTRIES + 1));
    for _ in 0..count.min(MAX_ZIP_ENTRIES + 1) {
        if bytes.get(at..at + 4) != Some(b"PK\x01\x02") {
            return None;
        }
        let unpacked = u32_at(bytes, at + 24)?;
        let name_len = u16_at(bytes, at + 28)?;
        let extra_len = u16_at(bytes, at + 30)?;
        let comment_len = u16_at(bytes, at + 32)?;
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        entries.push(ZipEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            unpacked,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(entries)
}

/// The pixel count of an image, where its header is simple to read.
fn pixels(kind: FileType, bytes: &[u8]) -> Option<u64> {
    let be32 = |at: usize| {
        let b = bytes.get(at..at + 4)?;
        Some(u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]])))
    };
    match kind {
        FileType::Png => Some(be32(16)? * be32(20)?),
        FileType::Gif => Some(u16_at(bytes, 6)? as u64 * u16_at(bytes, 8)? as u64),
        FileType::Jpeg => jpeg_pixels(bytes),
        _ => None,
    }
}

/// Walks JPEG markers to the first start-of-frame, which holds the height and width.
fn jpeg_pixels(bytes: &[u8]) -> Option<u64> {
    let be16 = |at: usize| {
        let b = bytes.get(at..at + 2)?;
        Some(u64::from(u16::from_be_bytes([b[0], b[1]])))
    };
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::try_from(be16(at + 2)?).ok()?;
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            return Some(be16(at + 5)? * be16(at + 7)?);
        }
        at += 2 + length;
    }
    None
}

/// A file ready to be stored.
#[derive(Clone, Debug)]
pub struct Checked {
    /// The name to show and download as.
    pub original_name: String,
    /// The detected type.
    pub file_type: FileType,
    /// The content.
    pub bytes: Vec<u8>,
}

impl Checked {
    /// The SHA-256 of the content, in hex.
    pub fn sha256(&self) -> String {
        let digest = Sha256::digest(&self.bytes);
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Checks a whole upload: name, then size and content.
pub fn check(name: &str, bytes: Vec<u8>) -> Result<Checked, Refusal> {
    let original_name = check_name(name)?;
    let file_type = check_content(&original_name, &bytes)?;
    Ok(Checked {
        original_name,
        file_type,
        bytes,
    })
}

/// The folder uploads live in.
pub fn uploads_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("uploads")
}

/// A new random name to store a file under: 32 hex digits and nothing from the upload.
pub fn generated_name() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a stored name is one this module generated (so it is safe to join to a path).
pub fn is_generated_name(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Writes the content under a new generated name and returns that name.
///
/// It is written to a temporary name first and renamed, so a half-written file is never
/// served.
pub async fn store(data_dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let dir = uploads_dir(data_dir);
    tokio::fs::create_dir_all(&dir).await?;
    let name = generated_name();
    let partial = dir.join(format!("{name}.part"));
    tokio::fs::write(&partial, bytes).await?;
    tokio::fs::rename(&partial, dir.join(&name)).await?;
    Ok(name)
}

/// Reads a stored file back.
pub async fn read(data_dir: &Path, stored_name: &str) -> std::io::Result<Vec<u8>> {
    if !is_generated_name(stored_name) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a stored file name",
        ));
    }
    tokio::fs::read(uploads_dir(data_dir).join(stored_name)).await
}

/// The `Content-Disposition` value that makes a browser save the file under its name.
///
/// The plain `filename` keeps only safe ASCII for old clients; `filename*` carries the full
/// name, percent-encoded (RFC 6266 and RFC 8187).
pub fn attachment_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Test fixtures: the smallest files of each accepted kind, built by hand.
pub mod samples {
    /// A tiny PDF.
    pub fn pdf() -> Vec<u8> {
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
            .to_vec()
    }

    /// A 1 by 1 PNG header (enough for the checks, not for a viewer).
    pub fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    /// A stored (uncompressed) ZIP archive with these entries, each claiming `unpacked`
    /// bytes once opened, as office documents are.
    pub fn zip(names: &[&str], unpacked: u32) -> Vec<u8> {
        let mut archive = Vec::new();
        let mut directory = Vec::new();
        for name in names {
            let offset = archive.len() as u32;
            archive.extend_from_slice(b"PK\x03\x04");
            archive.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            archive.extend_from_slice(&[0; 12]);
            archive.extend_from_slice(&(name.len() as u16).to_le_bytes());
            archive.extend_from_slice(&[0, 0]);
            archive.extend_from_slice(name.as_bytes());

            directory.extend_from_slice(b"PK\x01\x02");
            directory.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend_from_slice(&[0; 8]);
            directory.extend_from_slice(&unpacked.to_le_bytes());
            directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
            directory.extend_from_slice(&[0; 12]);
            directory.extend_from_slice(&offset.to_le_bytes());
            directory.extend_from_slice(name.as_bytes());
        }
        let directory_offset = archive.len() as u32;
        let count = names.len() as u16;
        archive.extend_from_slice(&directory);
        archive.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        archive.extend_from_slice(&count.to_le_bytes());
        archive.extend_from_slice(&count.to_le_bytes());
        archive.extend_from_slice(&(directory.len() as u32).to_le_bytes());
        archive.extend_from_slice(&directory_offset.to_le_bytes());
        archive.extend_from_slice(&[0, 0]);
        archive
    }

    /// A minimal Word document's entries.
    pub fn docx() -> Vec<u8> {
        zip(
            &["[Content_Types].xml", "_rels/.rels", "word/document.xml"],
            100,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::samples;
    use super::*;

    #[test]
    fn accepted_files_are_told_by_content_and_name() {
        let cases: [(&str, Vec<u8>, FileType); 6] = [
            ("guide.pdf", samples::pdf(), FileType::Pdf),
            ("Guide.PDF", samples::pdf(), FileType::Pdf),
            ("chart.png", samples::png(10, 10), FileType::Png),
            ("plan.docx", samples::docx(), FileType::Docx),
            (
                "deck.pptx",
                samples::zip(&["[Content_Types].xml", "ppt/presentation.xml"], 10),
                FileType::Pptx,
            ),
            (
                "budget.xlsx",
                samples::zip(&["[Content_Types].xml", "xl/workbook.xml"], 10),
                FileType::Xlsx,
            ),
        ];
        for (name, bytes, expected) in cases {
            assert_eq!(
                check(name, bytes).map(|c| c.file_type),
                Ok(expected),
                "{name}"
            );
        }
    }

    #[test]
    fn disguised_and_unknown_files_are_refused() {
        let cases: [(&str, Vec<u8>, Refusal); 6] = [
            (
                "guide.pdf",
                b"MZ\x90\0 a program".to_vec(),
                Refusal::UnknownType,
            ),
            ("guide.docx", samples::pdf(), Refusal::Disguised),
            ("guide.pdf.exe", samples::pdf(), Refusal::Disguised),
            (
                "notes.docx",
                samples::zip(&["notes.txt"], 10),
                Refusal::UnknownType,
            ),
            (
                "page.html",
                b"<html><script>".to_vec(),
                Refusal::UnknownType,
            ),
            ("empty.pdf", Vec::new(), Refusal::Empty),
        ];
        for (name, bytes, refusal) in cases {
            assert_eq!(
                check(name, bytes).map(|c| c.file_type),
                Err(refusal),
                "{name}"
            );
        }
    }

    #[test]
    fn names_with_folders_or_invisible_characters_are_refused() {
        for name in [
            "../etc/passwd.pdf",
            "C:\\Users\\x.pdf",
            "a\0b.pdf",
            "evil\u{202e}fdp.exe",
            ".hidden.pdf",
            "",
        ] {
            assert!(check_name(name).is_err(), "{name:?}");
        }
        assert_eq!(
            check_name(" Plan 2026.pdf ").as_deref(),
            Ok("Plan 2026.pdf")
        );
    }

    #[test]
    fn oversized_files_archive_bombs_and_pixel_floods_are_refused() {
        let mut big = samples::pdf();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert_eq!(
            check("big.pdf", big).map(|c| c.file_type),
            Err(Refusal::TooLarge)
        );

        let bomb = samples::zip(
            &["[Content_Types].xml", "word/a.xml", "word/b.xml"],
            u32::MAX,
        );
        assert_eq!(sniff(&bomb), Err(Refusal::Bomb));

        let flood = samples::png(100_000, 100_000);
        assert_eq!(
            check("flood.png", flood).map(|c| c.file_type),
            Err(Refusal::Bomb)
        );
    }

    #[test]
    fn a_truncated_archive_is_not_an_office_document() {
        let mut archive = samples::docx();
        archive.truncate(archive.len() - 10);
        assert_eq!(sniff(&archive), Err(Refusal::UnknownType));
    }

    #[test]
    fn downloads_are_attachments_with_a_safe_name() {
        let value = attachment_disposition("Plan \"été\";.pdf");
        assert!(
            value.starts_with("attachment; filename=\"Plan __t___.pdf\";"),
            "{value}"
        );
        assert!(value.contains("filename*=UTF-8''Plan%20%22%C3%A9t%C3%A9%22%3B.pdf"));
    }

    #[test]
    fn stored_names_are_generated_hex() {
        let name = generated_name();
        assert!(is_generated_name(&name));
        assert!(!is_generated_name("../carrel.sqlite3"));
    }
}
