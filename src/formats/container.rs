//! What kind of container a buyer's file really is, before any parser sees
//! it: a zip (XLSX, XLSM, ODS, DOCX), an OLE compound file (legacy XLS or
//! DOC, or any Office file saved with a password), or neither.
//!
//! Office encrypts an OOXML file by wrapping it in an OLE compound file with
//! `EncryptionInfo` and `EncryptedPackage` streams, so the same magic bytes
//! mean "legacy binary file" or "password-protected file"; the stream names
//! tell them apart and the two need different hints.

use std::fs::File;
use std::io::{self, Read};

/// First bytes of a zip archive's local file header.
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// First bytes of an OLE2 / CFB compound file.
pub const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Stream names only an encrypted OOXML package carries.
const ENCRYPTION_STREAMS: [&str; 2] = ["EncryptedPackage", "EncryptionInfo"];
/// Bytes scanned per read when looking for those names.
const CHUNK: usize = 64 * 1024;

/// Fill `buf` from `file` as far as the file goes (short reads retried).
pub fn read_up_to(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// True when the compound file read from `reader` names an encryption
/// stream. CFB directory entries store names as UTF-16LE; the directory can
/// sit anywhere in the file, so the whole file is scanned, in fixed-size
/// chunks that overlap by one name's length (memory stays at one chunk).
pub fn is_encrypted_ole(mut reader: impl Read) -> io::Result<bool> {
    let needles: Vec<Vec<u8>> = ENCRYPTION_STREAMS.iter().map(|n| utf16le(n)).collect();
    let overlap = needles.iter().map(Vec::len).max().unwrap_or(0) - 1;
    let mut window = Vec::with_capacity(CHUNK + overlap);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = reader.read(&mut chunk)?;
        if n == 0 {
            return Ok(false);
        }
        window.extend_from_slice(&chunk[..n]);
        if needles.iter().any(|needle| contains(&window, needle)) {
            return Ok(true);
        }
        let keep = window.len().min(overlap);
        window.drain(..window.len() - keep);
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_utf16_stream_names_only() {
        let mut file = vec![0u8; 10];
        file.extend(utf16le("EncryptedPackage"));
        assert!(is_encrypted_ole(&file[..]).unwrap());
        assert!(!is_encrypted_ole(&b"EncryptedPackage"[..]).unwrap());
        assert!(!is_encrypted_ole(&b""[..]).unwrap());
    }

    #[test]
    fn finds_a_name_split_across_chunks() {
        for offset in [CHUNK - 20, CHUNK - 1, CHUNK, 3 * CHUNK - 7] {
            let mut file = vec![0u8; offset];
            file.extend(utf16le("EncryptionInfo"));
            file.extend(vec![0u8; 100]);
            assert!(is_encrypted_ole(&file[..]).unwrap(), "offset {offset}");
        }
    }

    #[test]
    fn a_plain_compound_file_is_not_encrypted() {
        let mut file = CFB_MAGIC.to_vec();
        file.extend(utf16le("Workbook"));
        file.extend(vec![0u8; 3 * CHUNK]);
        assert!(!is_encrypted_ole(&file[..]).unwrap());
    }
}
