//! Spreadsheet questionnaires: XLSX and XLSM (calamine for values plus a
//! quick-xml pass over the parts), ODS (calamine plus a quick-xml pass over
//! `content.xml`), XLS (calamine plus a pass over the BIFF8 records).
//!
//! Reading runs in four steps, each in its own module:
//! `limits` (is this a safe, real workbook?), `parts` + `read` (cell text,
//! formulas, hidden rows and columns, merges, dropdowns, into a [`grid::Grid`]
//! per sheet), `layout` (questions and answer slots per sheet), and this
//! module, which decides which sheets to read and where to plan answer
//! columns.

pub mod grid;
pub mod headers;
pub mod layout;
pub mod limits;
pub mod ods;
pub mod parts;
pub mod read;
pub mod write;
pub mod xls;

use crate::questionnaire::{Format, Questionnaire, SheetLayout};
use anyhow::Result;
use grid::{Grid, ListSource, Rect, Validation};
use layout::Detected;
use std::path::Path;

/// Read a spreadsheet questionnaire: find every question and its answer slots.
pub fn read(path: &Path, format: Format) -> Result<Questionnaire> {
    limits::check(path, format)?;
    let sheets = match format {
        Format::Xlsx | Format::Xlsm => read_ooxml(path, format)?,
        _ => read_calamine(path, format)?,
    };
    Ok(assemble(path, format, sheets))
}

/// One sheet of the workbook: skipped (with why) or read into a grid.
enum Sheet {
    Skipped(SheetLayout),
    Read(Box<Grid>, Vec<String>),
}

fn skipped(name: &str, why: &str) -> Sheet {
    Sheet::Skipped(SheetLayout {
        sheet: name.to_string(),
        skipped: Some(why.to_string()),
        ..SheetLayout::default()
    })
}

/// Why a sheet is not a vendor answer sheet, judging by its tab name:
/// instructions, the buyer's analyst and report tabs, lookup tabs.
pub fn skip_by_name(name: &str) -> Option<&'static str> {
    let n = name.to_lowercase();
    const INSTRUCTIONS: &[&str] = &[
        "instruction",
        "introduction",
        "read me",
        "readme",
        "how to",
        "getting started",
        "change log",
        "changelog",
        "revision history",
        "version history",
        "acknowledg",
        "glossary",
        "definitions",
        "legend",
        "licen",
        "terms of use",
        "copyright",
    ];
    const BUYER: &[&str] = &[
        "analyst",
        "evaluation",
        "scoring",
        "score",
        "report",
        "summary",
        "assessor",
        "reviewer",
        "dashboard",
        "results",
        "crosswalk",
        "mapping",
        "reference",
        "lookup",
        "backend",
        "auto response",
        "lists",
        "dropdown",
        "values",
    ];
    if INSTRUCTIONS.iter().any(|w| n.contains(w)) {
        Some("instructions or front matter")
    } else if BUYER.iter().any(|w| n.contains(w)) {
        Some("buyer's analyst, report or lookup sheet")
    } else {
        None
    }
}

/// XLSX/XLSM: the parts pass for structure, calamine for values.
fn read_ooxml(path: &Path, format: Format) -> Result<Vec<Sheet>> {
    let mut zip = parts::open(path)?;
    let book_parts = parts::read_workbook(path, &mut zip)?;
    let bold_styles = match &book_parts.styles {
        Some(part) => parts::read_bold_styles(path, &mut zip, part)?,
        None => Default::default(),
    };
    let mut book = read::Book::open(path, format)?;
    let mut out = Vec::new();
    for (index, entry) in book_parts.sheets.iter().enumerate() {
        if entry.visibility != parts::Visibility::Visible {
            out.push(skipped(&entry.name, "hidden sheet"));
            continue;
        }
        if let Some(why) = skip_by_name(&entry.name) {
            out.push(skipped(&entry.name, why));
            continue;
        }
        let Some(part) = &entry.part else {
            out.push(skipped(&entry.name, "not a worksheet"));
            continue;
        };
        if !part.contains("worksheets/") {
            out.push(skipped(&entry.name, "chart or dialog sheet"));
            continue;
        }
        let found = parts::read_sheet(path, &mut zip, part, &entry.name, &bold_styles)?;
        let mut grid = book.values(&entry.name)?.clone();
        grid.hidden_rows = found.hidden_rows;
        grid.hidden_cols = found.hidden_cols;
        grid.formulas = found.formulas;
        grid.merges = found.merges;
        grid.bold = found.bold;
        let mut warnings = Vec::new();
        for raw in found.validations {
            let source = match (raw.kind.as_str(), raw.formula1) {
                ("list", Some(f)) => Some(ListSource::Reference(f)),
                ("list", None) => Some(ListSource::Values(Vec::new())),
                _ => None,
            };
            let list = source.map(|source| {
                book.list_values(
                    &source,
                    &entry.name,
                    index,
                    &book_parts.names,
                    &mut warnings,
                )
            });
            grid.validations.push(Validation {
                ranges: raw.ranges,
                list,
                prompt: raw.prompt,
            });
        }
        warnings.dedup();
        out.push(Sheet::Read(Box::new(grid), warnings));
    }
    Ok(out)
}

/// XLS/ODS: everything calamine exposes (values, formulas, visibility, XLS
/// merges), plus the structure it does not (dropdowns, input messages,
/// hidden rows and columns, bold cells; ODS merges): `ods` reads
/// `content.xml`, `xls` the BIFF8 `Workbook` stream.
fn read_calamine(path: &Path, format: Format) -> Result<Vec<Sheet>> {
    use calamine::{Reader, SheetVisible, Sheets};
    let mut ods_parts = match format {
        Format::Ods => Some(ods::read(path)?),
        _ => None,
    };
    let mut xls_sheets = match format {
        Format::Xls => Some(xls::read(path)?),
        _ => None,
    };
    let mut book = read::Book::open(path, format)?;
    let metadata: Vec<(String, bool)> = book
        .sheets
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let mut out = Vec::new();
    for (name, visible) in metadata {
        if !visible {
            out.push(skipped(&name, "hidden sheet"));
            continue;
        }
        if let Some(why) = skip_by_name(&name) {
            out.push(skipped(&name, why));
            continue;
        }
        let mut grid = book.values(&name)?.clone();
        grid.formulas = book.formula_cells(&name).into_iter().collect();
        if let Sheets::Xls(xls) = &book.sheets {
            #[allow(deprecated)]
            let merges = xls.worksheet_merge_cells(&name).unwrap_or_default();
            grid.merges = merges
                .into_iter()
                .map(|d| Rect {
                    r0: d.start.0,
                    c0: d.start.1,
                    r1: d.end.0,
                    c1: d.end.1,
                })
                .collect();
        }
        let mut warnings = Vec::new();
        if let Some(parts) = ods_parts.as_mut() {
            ods::apply(&mut grid, parts, &mut book, &mut warnings);
        }
        if let Some(sheets) = xls_sheets.as_mut() {
            xls::apply(&mut grid, sheets, &mut book, &mut warnings);
        }
        out.push(Sheet::Read(Box::new(grid), warnings));
    }
    Ok(out)
}

/// Detect every read sheet, plan answer columns where needed, and build
/// the questionnaire in sheet order.
fn assemble(path: &Path, format: Format, sheets: Vec<Sheet>) -> Questionnaire {
    let mut detected: Vec<Option<(Grid, Detected)>> = Vec::new();
    let mut layouts: Vec<Option<SheetLayout>> = Vec::new();
    let mut warnings = Vec::new();
    for sheet in sheets {
        match sheet {
            Sheet::Skipped(layout) => {
                layouts.push(Some(layout));
                detected.push(None);
            }
            Sheet::Read(grid, sheet_warnings) => {
                warnings.extend(sheet_warnings);
                let found = layout::detect(&grid);
                layouts.push(None);
                detected.push(Some((*grid, found)));
            }
        }
    }
    plan(&mut detected);
    let mut items = Vec::new();
    for (slot, found) in layouts.iter_mut().zip(detected) {
        if let Some((_, d)) = found {
            items.extend(d.items);
            warnings.extend(d.warnings);
            *slot = Some(d.layout);
        }
    }
    if items.is_empty() {
        warnings.push(format!(
            "{}: no questions found on any sheet; run with --dry-run to see what vouch detected",
            path.display()
        ));
    }
    Questionnaire {
        source: path.to_path_buf(),
        format,
        items,
        layouts: layouts.into_iter().flatten().collect(),
        warnings,
    }
}

/// Sheets with questions but no answer column get planned columns, unless
/// another sheet of the workbook has real answer cells: then they are
/// reference copies of the questions (crosswalks) and yield no items.
fn plan(detected: &mut [Option<(Grid, Detected)>]) {
    let any_answers = detected
        .iter()
        .flatten()
        .any(|(_, d)| !d.items.is_empty() && !d.needs_plan);
    for (grid, d) in detected.iter_mut().flatten() {
        if !d.needs_plan {
            continue;
        }
        if any_answers {
            d.items.clear();
            d.needs_plan = false;
            d.layout.items = 0;
            d.layout.skipped =
                Some("questions without answer columns; other sheets hold the answers".into());
        } else {
            layout::plan_columns(grid, d);
        }
    }
}

/// Write `writes` into a copy of `source` at `out` (patching only the
/// worksheets that receive answers). Signature fixed for the export dispatch.
pub fn write(source: &Path, writes: &[super::SlotWrite], out: &Path) -> Result<super::WriteReport> {
    write::write(source, writes, out)
}
