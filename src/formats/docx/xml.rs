//! A span tree over `word/document.xml`: every element with its byte range in
//! the original text, so the reader can walk structure and the writer can
//! splice replacements into the exact bytes it read (everything it does not
//! touch stays byte-identical). This is a view of the XML, not a Word
//! document model: nothing is re-serialized.

use anyhow::{bail, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Index of a node in [`Tree::nodes`].
pub type NodeId = usize;

/// Deepest element nesting accepted; the walks are recursive and real
/// documents stay far below this.
const MAX_DEPTH: usize = 400;

const W_TRANSITIONAL: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const W14: &str = "http://schemas.microsoft.com/office/word/2010/wordml";

/// The namespaces the DOCX code cares about; elements are matched by
/// namespace and local name, never by prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ns {
    /// WordprocessingML main (transitional or strict).
    W,
    /// Word 2010 extensions (`w14:checkbox`).
    W14,
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        match uri {
            W_TRANSITIONAL | W_STRICT => Ns::W,
            W14 => Ns::W14,
            _ => Ns::Other,
        }
    }
}

/// One element and where its bytes are.
#[derive(Debug)]
pub struct Node {
    pub ns: Ns,
    pub local: String,
    /// The name as written (`w:p`), reused when the writer emits siblings.
    pub qname: String,
    /// Attributes as (qualified name, unescaped value).
    pub attrs: Vec<(String, String)>,
    pub parent: Option<NodeId>,
    pub children: Vec<Child>,
    /// Offset of the `<` of the start tag.
    pub start: usize,
    /// Offset just past the `>` of the start tag (== `end` when empty).
    pub open_end: usize,
    /// Offset of the `<` of the end tag (== `end` when empty).
    pub close_start: usize,
    /// Offset just past the element.
    pub end: usize,
    /// Written as `<x/>`.
    pub empty: bool,
}

#[derive(Debug)]
pub enum Child {
    Elem(NodeId),
    Text(String),
}

/// The parsed document: nodes in document (pre-)order, root first.
#[derive(Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Parse `xml`. Refuses a DTD (entity tricks) and malformed XML.
    pub fn parse(xml: &str) -> Result<Tree> {
        Parser::default().run(xml)
    }

    pub fn root(&self) -> NodeId {
        0
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id]
    }

    /// True when `id` is the element `local` in namespace `ns`.
    pub fn is(&self, id: NodeId, ns: Ns, local: &str) -> bool {
        let n = &self.nodes[id];
        n.ns == ns && n.local == local
    }

    /// True when `id` is the WordprocessingML element `local`.
    pub fn is_w(&self, id: NodeId, local: &str) -> bool {
        self.is(id, Ns::W, local)
    }

    /// Child elements in order.
    pub fn elems(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes[id].children.iter().filter_map(|c| match c {
            Child::Elem(e) => Some(*e),
            Child::Text(_) => None,
        })
    }

    /// First child element `w:local`.
    pub fn child_w(&self, id: NodeId, local: &str) -> Option<NodeId> {
        self.elems(id).find(|&c| self.is_w(c, local))
    }

    /// First child element in `ns` named `local`.
    pub fn child(&self, id: NodeId, ns: Ns, local: &str) -> Option<NodeId> {
        self.elems(id).find(|&c| self.is(c, ns, local))
    }

    /// First descendant (pre-order, excluding `id`) satisfying `pred`.
    pub fn find(&self, id: NodeId, pred: &dyn Fn(NodeId) -> bool) -> Option<NodeId> {
        for c in self.elems(id) {
            if pred(c) {
                return Some(c);
            }
            if let Some(hit) = self.find(c, pred) {
                return Some(hit);
            }
        }
        None
    }

    /// Value of the attribute whose local name is `local` (`w:val` -> "val").
    pub fn attr(&self, id: NodeId, local: &str) -> Option<&str> {
        self.nodes[id]
            .attrs
            .iter()
            .find(|(k, _)| k.rsplit(':').next() == Some(local))
            .map(|(_, v)| v.as_str())
    }

    /// Concatenated direct text children (the content of `w:t`).
    pub fn own_text(&self, id: NodeId) -> String {
        self.nodes[id]
            .children
            .iter()
            .filter_map(|c| match c {
                Child::Text(t) => Some(t.as_str()),
                Child::Elem(_) => None,
            })
            .collect()
    }

    /// The namespace prefix of the element's name (`w` for `w:p`, "" if none).
    pub fn prefix(&self, id: NodeId) -> &str {
        let q = &self.nodes[id].qname;
        q.split_once(':').map(|(p, _)| p).unwrap_or("")
    }

    /// Ancestors of `id`, nearest first.
    pub fn ancestors(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.nodes[id].parent, move |&p| self.nodes[p].parent)
    }
}

/// A boolean OOXML toggle (`<w:b/>`, `<w:checked w:val="0"/>`).
pub fn on_off(value: Option<&str>) -> bool {
    !matches!(value, Some("0") | Some("false") | Some("off"))
}

#[derive(Default)]
struct Parser {
    nodes: Vec<Node>,
    stack: Vec<NodeId>,
    /// Namespace declarations per open element: (prefix, uri).
    scopes: Vec<Vec<(String, String)>>,
}

impl Parser {
    fn run(mut self, xml: &str) -> Result<Tree> {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().trim_text(false);
        loop {
            let start = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => bail!("malformed XML at byte {}: {e}", reader.error_position()),
            };
            let end = reader.buffer_position() as usize;
            match event {
                Event::Start(e) => self.open(&e, start, end, false)?,
                Event::Empty(e) => {
                    self.open(&e, start, end, true)?;
                    self.close(start, end);
                }
                Event::End(_) => self.close(start, end),
                Event::Text(t) => self.text(&t.xml10_content()),
                Event::CData(t) => self.text(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => s.to_string(),
                            None => bail!("unknown XML entity &{};", &*r),
                        },
                    };
                    self.text(&resolved);
                }
                Event::DocType(_) => {
                    bail!("the XML declares a DTD, which vouch refuses (entity expansion)")
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        if self.nodes.is_empty() {
            bail!("the XML has no root element");
        }
        if !self.stack.is_empty() {
            bail!("the XML ends before its root element is closed");
        }
        Ok(Tree { nodes: self.nodes })
    }

    fn open(&mut self, e: &BytesStart, start: usize, end: usize, empty: bool) -> Result<()> {
        if self.stack.len() >= MAX_DEPTH {
            bail!("elements nested deeper than {MAX_DEPTH} levels");
        }
        if self.stack.is_empty() && !self.nodes.is_empty() {
            bail!("the XML has more than one root element");
        }
        let qname = e.name().as_ref().to_string();
        let mut attrs = Vec::new();
        let mut scope = Vec::new();
        for attr in e.attributes().with_checks(false) {
            let attr = attr.map_err(|err| anyhow::anyhow!("malformed attribute: {err}"))?;
            let key = attr.key.as_ref().to_string();
            let value = quick_xml::escape::unescape(&attr.value)
                .map_err(|err| anyhow::anyhow!("bad attribute value in <{qname}>: {err}"))?
                .into_owned();
            if key == "xmlns" {
                scope.push((String::new(), value.clone()));
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                scope.push((p.to_string(), value.clone()));
            }
            attrs.push((key, value));
        }
        self.scopes.push(scope);
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (p, l.to_string()),
            None => ("", qname.clone()),
        };
        let ns = self.resolve(prefix).map(Ns::from_uri).unwrap_or(Ns::Other);
        let id = self.nodes.len();
        let parent = self.stack.last().copied();
        self.nodes.push(Node {
            ns,
            local,
            qname,
            attrs,
            parent,
            children: Vec::new(),
            start,
            open_end: end,
            close_start: end,
            end,
            empty,
        });
        if let Some(p) = parent {
            self.nodes[p].children.push(Child::Elem(id));
        }
        self.stack.push(id);
        Ok(())
    }

    fn close(&mut self, start: usize, end: usize) {
        if let Some(id) = self.stack.pop() {
            let n = &mut self.nodes[id];
            if !n.empty {
                n.close_start = start;
                n.end = end;
            }
        }
        self.scopes.pop();
    }

    fn text(&mut self, text: &str) {
        let Some(&id) = self.stack.last() else { return };
        let children = &mut self.nodes[id].children;
        if let Some(Child::Text(t)) = children.last_mut() {
            t.push_str(text);
        } else {
            children.push(Child::Text(text.to_string()));
        }
    }

    fn resolve(&self, prefix: &str) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter())
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.as_str())
    }
}

/// Escape text for element content.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Characters XML 1.0 allows in content (others are dropped on write).
pub fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = concat!(
        r#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
        r#"<w:body><w:p><w:r><w:t xml:space="preserve">A &amp; B</w:t></w:r></w:p><w:p/></w:body></w:document>"#
    );

    #[test]
    fn spans_cover_the_exact_bytes() {
        let tree = Tree::parse(DOC).unwrap();
        let ps: Vec<_> = (0..tree.nodes.len())
            .filter(|&i| tree.is_w(i, "p"))
            .collect();
        assert_eq!(ps.len(), 2);
        let p0 = tree.node(ps[0]);
        assert!(DOC[p0.start..p0.end].starts_with("<w:p>"));
        assert!(DOC[p0.start..p0.end].ends_with("</w:p>"));
        assert_eq!(&DOC[p0.close_start..p0.end], "</w:p>");
        let p1 = tree.node(ps[1]);
        assert_eq!(&DOC[p1.start..p1.end], "<w:p/>");
        let t = tree.find(ps[0], &|i| tree.is_w(i, "t")).unwrap();
        assert_eq!(tree.own_text(t), "A & B");
    }

    #[test]
    fn refuses_a_dtd() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>"#;
        let err = Tree::parse(xml).unwrap_err().to_string();
        assert!(err.contains("DTD"), "{err}");
    }

    #[test]
    fn escapes_and_strips_forbidden_characters() {
        assert_eq!(escape_text("a<b>&c\u{1}\u{FFFF}"), "a&lt;b&gt;&amp;c");
    }
}
