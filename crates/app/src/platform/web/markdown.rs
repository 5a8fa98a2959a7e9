//! Markdown written by people, rendered to HTML that is safe to show to others.

/// Renders Markdown and removes anything that could run or load from elsewhere: scripts,
/// event attributes, `javascript:` links, images from other hosts, raw HTML beyond the
/// basic formatting tags.
pub fn render_safe(markdown: &str) -> String {
    let parser = pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::empty());
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    ammonia::Builder::default()
        .rm_tags(&["img"])
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_survives_and_scripts_do_not() {
        let cases = [
            ("**bold**", "<strong>bold</strong>", ""),
            ("<script>alert(1)</script>", "", "<script"),
            ("[x](javascript:alert(1))", "<a", "javascript:"),
            (
                "<a href=\"https://x.org\" onclick=\"evil()\">x</a>",
                "https://x.org",
                "onclick",
            ),
            ("![tracker](https://evil.example/p.gif)", "", "<img"),
        ];
        for (input, present, absent) in cases {
            let html = render_safe(input);
            assert!(html.contains(present), "{input} -> {html}");
            if !absent.is_empty() {
                assert!(!html.contains(absent), "{input} -> {html}");
            }
        }
    }
}
