//! Find a sheet's part in the package: `_rels/.rels` names the workbook
//! part, the workbook lists sheets with relationship ids, and the
//! workbook's `.rels` maps those ids to worksheet parts. Sheet names never
//! appear in part names, so this is the only reliable way.

use anyhow::{anyhow, Context, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::{Read, Seek};
use zip::ZipArchive;

/// Largest XML part read into memory (uncompressed). A worksheet of a real
/// questionnaire is a few MB; this bounds a zip bomb.
pub const MAX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// One sheet of the workbook, in workbook order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetPart {
    pub name: String,
    /// Zip entry name, as stored in the archive (`xl/worksheets/sheet2.xml`).
    pub part: String,
}

/// The workbook's sheets and their parts.
pub fn sheet_parts<R: Read + Seek>(zip: &mut ZipArchive<R>) -> Result<Vec<SheetPart>> {
    let root_rels = relationships(&read_part(zip, "_rels/.rels")?)?;
    let workbook = root_rels
        .iter()
        .find(|r| r.kind.ends_with("/officeDocument"))
        .map(|r| resolve("", &r.target))
        .unwrap_or_else(|| "xl/workbook.xml".to_string());
    let (dir, file) = match workbook.rsplit_once('/') {
        Some((d, f)) => (d.to_string(), f.to_string()),
        None => (String::new(), workbook.clone()),
    };
    let rels_path = if dir.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{dir}/_rels/{file}.rels")
    };
    let rels = relationships(&read_part(zip, &rels_path)?)?;
    let sheets = workbook_sheets(&read_part(zip, &workbook)?)
        .with_context(|| format!("cannot read the sheet list in {workbook}"))?;
    let mut parts = Vec::new();
    for (name, rid) in sheets {
        let Some(rel) = rels.iter().find(|r| r.id == rid) else {
            continue;
        };
        let wanted = resolve(&dir, &rel.target);
        if let Some(part) = entry_name(zip, &wanted) {
            parts.push(SheetPart { name, part });
        }
    }
    Ok(parts)
}

/// The archive's own spelling of a part name (OPC part names are
/// case-insensitive).
pub fn entry_name<R: Read + Seek>(zip: &ZipArchive<R>, wanted: &str) -> Option<String> {
    if zip.index_for_name(wanted).is_some() {
        return Some(wanted.to_string());
    }
    zip.file_names()
        .flatten()
        .find(|n| n.eq_ignore_ascii_case(wanted))
        .map(|n| n.into_owned())
}

/// Read one part fully, refusing anything larger than [`MAX_PART_BYTES`].
pub fn read_part<R: Read + Seek>(zip: &mut ZipArchive<R>, name: &str) -> Result<Vec<u8>> {
    let actual = entry_name(zip, name).ok_or_else(|| anyhow!("the workbook has no part {name}"))?;
    let index = zip
        .index_for_name(&actual)
        .ok_or_else(|| anyhow!("the workbook has no part {name}"))?;
    read_index(zip, index)
}

/// Read the entry at `index` fully, bounded by [`MAX_PART_BYTES`].
pub fn read_index<R: Read + Seek>(zip: &mut ZipArchive<R>, index: usize) -> Result<Vec<u8>> {
    let entry = zip.by_index(index).context("cannot open a zip entry")?;
    let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
    if entry.size() > MAX_PART_BYTES {
        return Err(crate::error::hint(
            format!("part {name} is {} MB uncompressed", entry.size() >> 20),
            "this is not a normal questionnaire (possible zip bomb); open and re-save it in Excel",
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
    entry
        .take(MAX_PART_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot decompress part {name}"))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(anyhow!(
            "part {name} inflates past {} MB",
            MAX_PART_BYTES >> 20
        ));
    }
    Ok(bytes)
}

struct Relationship {
    id: String,
    kind: String,
    target: String,
}

fn relationships(xml: &[u8]) -> Result<Vec<Relationship>> {
    let mut out = Vec::new();
    for_each_element(xml, "Relationship", |e| {
        let external = attr(e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
        if let (Some(id), Some(target), false) = (attr(e, "Id"), attr(e, "Target"), external) {
            let kind = attr(e, "Type").unwrap_or_default();
            out.push(Relationship { id, kind, target });
        }
    })?;
    Ok(out)
}

/// `(sheet name, relationship id)` in workbook order.
fn workbook_sheets(xml: &[u8]) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for_each_element(xml, "sheet", |e| {
        if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id")) {
            out.push((name, id));
        }
    })?;
    Ok(out)
}

fn for_each_element(xml: &[u8], local_name: &str, mut f: impl FnMut(&BytesStart)) -> Result<()> {
    let mut reader = Reader::from_reader(xml);
    loop {
        match reader.read_event()? {
            Event::Eof => return Ok(()),
            Event::DocType(_) => return Err(anyhow!("XML part declares a DTD; refused")),
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == local_name => f(&e),
            _ => {}
        }
    }
}

/// Attribute value by local name (`r:id` matches `id`; `sheetId` does not).
fn attr(e: &BytesStart, local_name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        let key = a.key.as_ref();
        let local = key.split_once(':').map_or(key, |(_, l)| l);
        (local == local_name && !key.starts_with("xmlns"))
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// A relationship target resolved against the source part's folder:
/// `("xl", "worksheets/sheet1.xml")` -> `xl/worksheets/sheet1.xml`,
/// `("xl", "/xl/a.xml")` -> `xl/a.xml`, `..` segments applied.
pub fn resolve(dir: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None if dir.is_empty() => target,
        None => format!("{dir}/{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_like_opc() {
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl", "/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(
            resolve("xl", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("xl", "./a\\b.xml"), "xl/a/b.xml");
    }

    #[test]
    fn sheets_and_ids_by_local_name() {
        let wb = br#"<x:workbook xmlns:x="m" xmlns:rel="r"><x:sheets><x:sheet name="A &amp; B" sheetId="7" rel:id="rId3"/></x:sheets></x:workbook>"#;
        assert_eq!(
            workbook_sheets(wb).unwrap(),
            vec![("A & B".to_string(), "rId3".to_string())]
        );
    }
}
