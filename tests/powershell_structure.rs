//! Structure checks of the PowerShell module and of its C# binding, run without PowerShell.
//!
//! * Every `.ps1`, `.psm1` and `.psd1` under `powershell/` and `tests/powershell/` parses with the
//!   tree-sitter PowerShell grammar without ERROR or MISSING nodes, and uses no PowerShell 7-only syntax
//!   (`&&`/`||` pipeline chains, `clean` blocks, `ForEach-Object -Parallel`), because the module supports
//!   Windows PowerShell 5.1.
//! * The manifest's `FunctionsToExport` is an explicit sorted list equal to the functions of `Public/*.ps1`, each
//!   of which defines exactly one function named like its file.
//! * Public functions are advanced functions (`[CmdletBinding(...)]`, `[OutputType(...)]`) with comment-based help
//!   (.SYNOPSIS, .DESCRIPTION, a .PARAMETER for each parameter, at least one .EXAMPLE, .OUTPUTS).
//! * State-changing verbs declare `SupportsShouldProcess` and call `$PSCmdlet.ShouldProcess`; `Remove-*` use
//!   `ConfirmImpact = 'High'`. Every function's verb is approved (the Windows PowerShell 5.1 list).
//! * The C# binding declares every `da_*` function of `include/delegated_admin.h` and nothing else, each with
//!   `DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)`, an `IntPtr` return (never `string`) and
//!   `byte[]` input, and uses only C# 5 syntax (plus kernel32's `LoadLibraryExW`, which loads the library by
//!   its path on .NET Framework).
//!
//! Each check is a function returning its problems, and `negative_*` tests feed each one a small bad sample to
//! prove it can fail.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use tree_sitter::{Node, Parser, Tree};

/// `Get-Verb` of Windows PowerShell 5.1 (PowerShell 6+ added Build and Deploy, which 5.1 would warn about).
const APPROVED_VERBS: &[&str] = &[
    // Common
    "Add",
    "Clear",
    "Close",
    "Copy",
    "Enter",
    "Exit",
    "Find",
    "Format",
    "Get",
    "Hide",
    "Join",
    "Lock",
    "Move",
    "New",
    "Open",
    "Optimize",
    "Pop",
    "Push",
    "Redo",
    "Remove",
    "Rename",
    "Reset",
    "Resize",
    "Search",
    "Select",
    "Set",
    "Show",
    "Skip",
    "Split",
    "Step",
    "Switch",
    "Undo",
    "Unlock",
    "Watch",
    // Communications
    "Connect",
    "Disconnect",
    "Read",
    "Receive",
    "Send",
    "Write",
    // Data
    "Backup",
    "Checkpoint",
    "Compare",
    "Compress",
    "Convert",
    "ConvertFrom",
    "ConvertTo",
    "Dismount",
    "Edit",
    "Expand",
    "Export",
    "Group",
    "Import",
    "Initialize",
    "Limit",
    "Merge",
    "Mount",
    "Out",
    "Publish",
    "Restore",
    "Save",
    "Sync",
    "Unpublish",
    "Update",
    // Diagnostic
    "Debug",
    "Measure",
    "Ping",
    "Repair",
    "Resolve",
    "Test",
    "Trace",
    // Lifecycle
    "Approve",
    "Assert",
    "Complete",
    "Confirm",
    "Deny",
    "Disable",
    "Enable",
    "Install",
    "Invoke",
    "Register",
    "Request",
    "Restart",
    "Resume",
    "Start",
    "Stop",
    "Submit",
    "Suspend",
    "Uninstall",
    "Unregister",
    "Wait",
    // Security
    "Block",
    "Grant",
    "Protect",
    "Revoke",
    "Unblock",
    "Unprotect",
    // Other
    "Use",
];

/// Verbs of public commands that change state and so must support -WhatIf/-Confirm.
const STATE_CHANGING_PUBLIC_VERBS: &[&str] = &[
    "Add",
    "Clear",
    "Disable",
    "Enable",
    "Grant",
    "Install",
    "Invoke",
    "New",
    "Publish",
    "Register",
    "Remove",
    "Rename",
    "Reset",
    "Restart",
    "Revoke",
    "Set",
    "Start",
    "Stop",
    "Uninstall",
    "Unregister",
    "Update",
];

/// The verbs PSScriptAnalyzer's PSUseShouldProcessForStateChangingFunctions applies to every function,
/// private helpers included.
const STATE_CHANGING_ANY_VERBS: &[&str] = &[
    "New", "Set", "Remove", "Start", "Stop", "Restart", "Reset", "Update",
];

// ---------------------------------------------------------------------------------------------------------------
// Parsing helpers
// ---------------------------------------------------------------------------------------------------------------

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse(src: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("the tree-sitter PowerShell grammar loads");
    parser.parse(src, None).expect("tree-sitter returns a tree")
}

fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    node.utf8_text(src.as_bytes()).unwrap_or("")
}

/// Every node of the tree, depth first, in source order.
fn all_nodes(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        out.push(node);
        let mut cursor = node.walk();
        let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
        for child in children.into_iter().rev() {
            stack.push(child);
        }
    }
    out
}

fn children_of_kind<'t>(node: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect()
}

fn first_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    children_of_kind(node, kind).into_iter().next()
}

fn excerpt(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 100 {
        format!("{}...", one_line.chars().take(100).collect::<String>())
    } else {
        one_line
    }
}

fn files_under(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, extensions, out);
        } else if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            if extensions.iter().any(|x| x.eq_ignore_ascii_case(ext)) {
                out.push(path);
            }
        }
    }
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let s =
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()));
    // A UTF-8 byte order mark is fine for PowerShell (5.1 even needs it for non-ASCII scripts); tree-sitter not.
    s.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(s)
}

fn report(problems: &[String]) {
    if !problems.is_empty() {
        panic!(
            "{} problem(s):\n  {}",
            problems.len(),
            problems.join("\n  ")
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Check: syntax
// ---------------------------------------------------------------------------------------------------------------

/// ERROR and MISSING nodes, and syntax Windows PowerShell 5.1 does not have.
fn syntax_problems(file: &str, src: &str) -> Vec<String> {
    let tree = parse(src);
    let mut problems = Vec::new();
    for node in all_nodes(tree.root_node()) {
        let pos = node.start_position();
        let at = format!("{file}:{}:{}", pos.row + 1, pos.column + 1);
        if node.is_error() {
            problems.push(format!("{at}: ERROR node: {:?}", excerpt(text(node, src))));
        } else if node.is_missing() {
            problems.push(format!("{at}: MISSING {:?} node", node.kind()));
        } else if node.kind() == "pipeline_chain_tail" {
            problems.push(format!(
                "{at}: && / || pipeline chains need PowerShell 7: {:?}",
                excerpt(text(node, src))
            ));
        } else if node.kind() == "block_name" && text(node, src).eq_ignore_ascii_case("clean") {
            problems.push(format!("{at}: clean blocks need PowerShell 7.3"));
        } else if node.kind() == "command" {
            let command = text(node, src).to_ascii_lowercase();
            let name = node
                .child_by_field_name("command_name")
                .map(|n| text(n, src).to_ascii_lowercase())
                .unwrap_or_default();
            // The Pester files may call it where they skip on 5.1 (it parses there; it fails only when run).
            let test_file = file.starts_with("tests/") || file.starts_with("tests\\");
            if (name == "foreach-object" || name == "%" || name == "foreach")
                && command.contains("-parallel")
                && !test_file
            {
                problems.push(format!("{at}: ForEach-Object -Parallel needs PowerShell 7"));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------------------------
// Functions: name, help, attributes, parameters
// ---------------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Attribute {
    name: String,
    /// (argument name or None for a positional argument, value text or None for a bare name)
    args: Vec<(Option<String>, Option<String>)>,
}

impl Attribute {
    fn named(&self, name: &str) -> Option<Option<&str>> {
        self.args.iter().find_map(|(n, v)| match n {
            Some(n) if n.eq_ignore_ascii_case(name) => Some(v.as_deref()),
            _ => None,
        })
    }
}

#[derive(Debug, Clone)]
struct Function {
    name: String,
    line: usize,
    help: Option<String>,
    attributes: Vec<Attribute>,
    parameters: Vec<String>,
    body: String,
}

impl Function {
    fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
    }

    fn verb(&self) -> &str {
        self.name.split('-').next().unwrap_or("")
    }
}

fn attribute_of(node: Node<'_>, src: &str) -> Option<Attribute> {
    let name_node = first_child_of_kind(node, "attribute_name")?;
    let mut args = Vec::new();
    if let Some(arguments) = first_child_of_kind(node, "attribute_arguments") {
        for argument in children_of_kind(arguments, "attribute_argument") {
            let mut cursor = argument.walk();
            let named: Vec<Node<'_>> = argument.named_children(&mut cursor).collect();
            match named.first() {
                Some(first) if first.kind() == "simple_name" => {
                    let value = named.get(1).map(|v| text(*v, src).trim().to_string());
                    args.push((Some(text(*first, src).to_string()), value));
                }
                _ => args.push((None, Some(text(argument, src).trim().to_string()))),
            }
        }
    }
    Some(Attribute {
        name: text(name_node, src).trim().to_string(),
        args,
    })
}

fn functions_in(src: &str) -> Vec<Function> {
    let tree = parse(src);
    let mut out = Vec::new();
    for node in all_nodes(tree.root_node()) {
        if node.kind() != "function_statement" {
            continue;
        }
        let name = first_child_of_kind(node, "function_name")
            .map(|n| text(n, src).trim().to_string())
            .unwrap_or_default();

        // Comment-based help: inside the function (before or after param), or right before `function`.
        let mut help = None;
        let mut candidates: Vec<Node<'_>> = children_of_kind(node, "comment");
        if let Some(block) = first_child_of_kind(node, "script_block") {
            candidates.extend(children_of_kind(block, "comment"));
        }
        let mut previous = node.prev_sibling();
        if previous.is_none() {
            previous = node.parent().and_then(|p| p.prev_sibling());
        }
        if let Some(prev) = previous {
            if prev.kind() == "comment" {
                candidates.push(prev);
            }
        }
        for comment in candidates {
            let t = text(comment, src);
            if t.to_ascii_uppercase().contains(".SYNOPSIS")
                || t.to_ascii_uppercase().contains(".DESCRIPTION")
            {
                help = Some(t.to_string());
                break;
            }
        }

        let mut attributes = Vec::new();
        let mut parameters = Vec::new();
        if let Some(block) = first_child_of_kind(node, "script_block") {
            if let Some(param_block) = first_child_of_kind(block, "param_block") {
                if let Some(list) = first_child_of_kind(param_block, "attribute_list") {
                    for attribute in children_of_kind(list, "attribute") {
                        if let Some(a) = attribute_of(attribute, src) {
                            attributes.push(a);
                        }
                    }
                }
                if let Some(list) = first_child_of_kind(param_block, "parameter_list") {
                    for parameter in children_of_kind(list, "script_parameter") {
                        if let Some(variable) = first_child_of_kind(parameter, "variable") {
                            parameters
                                .push(text(variable, src).trim_start_matches('$').to_string());
                        }
                    }
                }
            }
        }
        out.push(Function {
            name,
            line: node.start_position().row + 1,
            help,
            attributes,
            parameters,
            body: text(node, src).to_string(),
        });
    }
    out
}

/// Help sections: keyword (upper case) and argument, e.g. ("PARAMETER", "Name"), ("EXAMPLE", "").
fn help_sections(help: &str) -> Vec<(String, String, String)> {
    let mut sections: Vec<(String, String, String)> = Vec::new();
    for line in help.lines() {
        let trimmed = line
            .trim()
            .trim_start_matches("<#")
            .trim_end_matches("#>")
            .trim();
        if let Some(rest) = trimmed.strip_prefix('.') {
            let mut parts = rest.splitn(2, char::is_whitespace);
            let keyword = parts.next().unwrap_or("").to_ascii_uppercase();
            if !keyword.is_empty() && keyword.chars().all(|c| c.is_ascii_alphabetic()) {
                let argument = parts.next().unwrap_or("").trim().to_string();
                sections.push((keyword, argument, String::new()));
                continue;
            }
        }
        if let Some(last) = sections.last_mut() {
            if !trimmed.is_empty() {
                last.2.push_str(trimmed);
                last.2.push('\n');
            }
        }
    }
    sections
}

// ---------------------------------------------------------------------------------------------------------------
// Check: public functions
// ---------------------------------------------------------------------------------------------------------------

/// A Public/*.ps1 file defines exactly one function, named like the file.
fn public_file_problems(file_stem: &str, functions: &[Function]) -> Vec<String> {
    let mut problems = Vec::new();
    if functions.len() != 1 {
        problems.push(format!(
            "Public/{file_stem}.ps1 defines {} functions ({}); it must define exactly one",
            functions.len(),
            functions
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for f in functions {
        if f.name != file_stem {
            problems.push(format!(
                "Public/{file_stem}.ps1:{} defines {}; the file must be named like its function",
                f.line, f.name
            ));
        }
    }
    problems
}

/// `[CmdletBinding(...)]`, `[OutputType(...)]` and full comment-based help.
fn public_function_problems(file: &str, f: &Function) -> Vec<String> {
    let mut problems = Vec::new();
    let at = format!("{file}:{} {}", f.line, f.name);
    if f.attribute("CmdletBinding").is_none() || !f.body.contains("[CmdletBinding(") {
        problems.push(format!("{at}: no [CmdletBinding(...)] attribute"));
    }
    if f.attribute("OutputType").is_none() {
        problems.push(format!("{at}: no [OutputType(...)] attribute"));
    }
    let Some(help) = &f.help else {
        problems.push(format!("{at}: no comment-based help (<# .SYNOPSIS ... #>)"));
        return problems;
    };
    let sections = help_sections(help);
    let has = |k: &str| sections.iter().any(|(kw, _, _)| kw == k);
    match sections.iter().find(|(kw, _, _)| kw == "SYNOPSIS") {
        Some((_, _, body)) if !body.trim().is_empty() => {}
        _ => problems.push(format!("{at}: help has no .SYNOPSIS text")),
    }
    if !has("DESCRIPTION") {
        problems.push(format!("{at}: help has no .DESCRIPTION"));
    }
    let examples = sections
        .iter()
        .filter(|(kw, _, body)| kw == "EXAMPLE" && !body.trim().is_empty())
        .count();
    if examples == 0 {
        problems.push(format!("{at}: help has no .EXAMPLE with an example"));
    }
    if !has("OUTPUTS") {
        problems.push(format!("{at}: help has no .OUTPUTS"));
    }
    for parameter in &f.parameters {
        let documented = sections.iter().any(|(kw, arg, body)| {
            kw == "PARAMETER" && arg.eq_ignore_ascii_case(parameter) && !body.trim().is_empty()
        });
        if !documented {
            problems.push(format!("{at}: help has no .PARAMETER {parameter}"));
        }
    }
    for (kw, arg, _) in &sections {
        if kw == "PARAMETER" && !f.parameters.iter().any(|p| p.eq_ignore_ascii_case(arg)) {
            problems.push(format!(
                "{at}: help documents .PARAMETER {arg}, which the function does not have"
            ));
        }
    }
    problems
}

fn is_true(value: Option<&str>) -> bool {
    match value {
        None => true, // a bare `SupportsShouldProcess` means $true
        Some(v) => v.eq_ignore_ascii_case("$true"),
    }
}

/// State-changing verbs: SupportsShouldProcess, a $PSCmdlet.ShouldProcess call, and ConfirmImpact High for Remove.
fn should_process_problems(file: &str, f: &Function, public: bool) -> Vec<String> {
    let verb = f.verb();
    let listed = if public {
        STATE_CHANGING_PUBLIC_VERBS
    } else {
        STATE_CHANGING_ANY_VERBS
    };
    if !listed.iter().any(|v| v.eq_ignore_ascii_case(verb)) {
        return Vec::new();
    }
    let at = format!("{file}:{} {}", f.line, f.name);
    let mut problems = Vec::new();
    let binding = f.attribute("CmdletBinding");
    let supports = binding
        .and_then(|b| b.named("SupportsShouldProcess"))
        .map(is_true)
        .unwrap_or(false);
    if !supports {
        problems.push(format!(
            "{at}: {verb}-* changes state but does not declare SupportsShouldProcess = $true"
        ));
    }
    if !f
        .body
        .to_ascii_lowercase()
        .contains("$pscmdlet.shouldprocess(")
    {
        problems.push(format!("{at}: declares SupportsShouldProcess but never calls $PSCmdlet.ShouldProcess(...), so -WhatIf would not work"));
    }
    if verb.eq_ignore_ascii_case("Remove") {
        let impact = binding
            .and_then(|b| b.named("ConfirmImpact"))
            .flatten()
            .map(|v| v.trim_matches(|c| c == '\'' || c == '"').to_string());
        if !impact
            .as_deref()
            .map(|v| v.eq_ignore_ascii_case("High"))
            .unwrap_or(false)
        {
            problems.push(format!(
                "{at}: Remove-* must declare ConfirmImpact = 'High' (found {impact:?})"
            ));
        }
    }
    problems
}

fn verb_problems(file: &str, f: &Function) -> Vec<String> {
    let verb = f.verb();
    let mut problems = Vec::new();
    if !f.name.contains('-') {
        problems.push(format!(
            "{file}:{} {}: function names must be Verb-Noun",
            f.line, f.name
        ));
    } else if !APPROVED_VERBS.contains(&verb) {
        problems.push(format!(
            "{file}:{} {}: '{verb}' is not an approved verb (Get-Verb)",
            f.line, f.name
        ));
    }
    problems
}

// ---------------------------------------------------------------------------------------------------------------
// Check: manifest
// ---------------------------------------------------------------------------------------------------------------

/// Top-level keys of the manifest hashtable and the string literals of each value.
fn manifest_entries(src: &str) -> Result<Vec<(String, Vec<String>, String)>, String> {
    let tree = parse(src);
    let root = tree.root_node();
    let body = all_nodes(root)
        .into_iter()
        .find(|n| n.kind() == "hash_literal_body")
        .ok_or_else(|| "the manifest is not a hashtable".to_string())?;
    let mut entries = Vec::new();
    for entry in children_of_kind(body, "hash_entry") {
        let key = first_child_of_kind(entry, "key_expression")
            .map(|k| text(k, src).trim().to_string())
            .unwrap_or_default();
        let value = first_child_of_kind(entry, "pipeline");
        let mut strings = Vec::new();
        let mut value_text = String::new();
        if let Some(value) = value {
            value_text = text(value, src).to_string();
            for n in all_nodes(value) {
                if n.kind() == "string_literal" {
                    let t = text(n, src).trim();
                    strings.push(t.trim_matches(|c| c == '\'' || c == '"').to_string());
                }
            }
        }
        entries.push((key, strings, value_text));
    }
    Ok(entries)
}

fn manifest_problems(src: &str, public_functions: &BTreeSet<String>) -> Vec<String> {
    let entries = match manifest_entries(src) {
        Ok(e) => e,
        Err(e) => return vec![e],
    };
    let get = |key: &str| entries.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(key));
    let mut problems = Vec::new();
    match get("FunctionsToExport") {
        None => problems.push("the manifest has no FunctionsToExport".to_string()),
        Some((_, exports, _)) => {
            if exports.iter().any(|e| e.contains('*') || e.contains('?')) {
                problems.push(format!("FunctionsToExport uses a wildcard: {exports:?}"));
            }
            let mut sorted = exports.clone();
            sorted.sort_by_key(|s| s.to_ascii_lowercase());
            if &sorted != exports {
                problems.push(format!("FunctionsToExport is not sorted: {exports:?}"));
            }
            let exported: BTreeSet<String> = exports.iter().cloned().collect();
            if exported.len() != exports.len() {
                problems.push(format!(
                    "FunctionsToExport lists a function twice: {exports:?}"
                ));
            }
            for missing in public_functions.difference(&exported) {
                problems.push(format!(
                    "public function {missing} is not in FunctionsToExport"
                ));
            }
            for extra in exported.difference(public_functions) {
                problems.push(format!(
                    "FunctionsToExport lists {extra}, which no Public/*.ps1 defines"
                ));
            }
        }
    }
    for key in ["CmdletsToExport", "AliasesToExport", "VariablesToExport"] {
        match get(key) {
            Some((_, strings, value)) if strings.is_empty() && value.replace(' ', "") == "@()" => {}
            Some((_, _, value)) => {
                problems.push(format!("{key} must be @() (found {})", excerpt(value)))
            }
            None => problems.push(format!("the manifest has no {key} = @()")),
        }
    }
    match get("CompatiblePSEditions") {
        Some((_, editions, _))
            if editions.iter().any(|e| e == "Desktop") && editions.iter().any(|e| e == "Core") => {}
        _ => problems.push("CompatiblePSEditions must list Desktop and Core".to_string()),
    }
    match get("PowerShellVersion") {
        Some((_, v, _)) if v.first().map(|s| s == "5.1").unwrap_or(false) => {}
        _ => problems.push("PowerShellVersion must be '5.1'".to_string()),
    }
    for key in ["RootModule", "ModuleVersion", "GUID"] {
        if get(key).map(|(_, s, _)| s.is_empty()).unwrap_or(true) {
            problems.push(format!("the manifest has no {key}"));
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------------------------
// Check: C# binding versus the C header
// ---------------------------------------------------------------------------------------------------------------

/// The source with comments and the contents of string and char literals blanked (newlines kept).
fn strip_c_like(src: &str, strings_too: bool) -> String {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == '"' || c == '\'' {
            let verbatim = c == '"' && i > 0 && chars[i - 1] == '@';
            out.push(c);
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                if !verbatim && d == '\\' {
                    if !strings_too {
                        out.push(d);
                        if let Some(e) = chars.get(i + 1) {
                            out.push(*e);
                        }
                    }
                    i += 2;
                    continue;
                }
                if d == c {
                    if verbatim && chars.get(i + 1) == Some(&'"') {
                        if !strings_too {
                            out.push_str("\"\"");
                        }
                        i += 2;
                        continue;
                    }
                    break;
                }
                if !strings_too || d == '\n' {
                    out.push(d);
                }
                i += 1;
            }
            out.push(c);
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// `da_*` functions declared by the header: identifiers followed by `(`, outside comments.
fn header_functions(header: &str) -> BTreeSet<String> {
    let code = strip_c_like(header, true);
    let chars: Vec<char> = code.chars().collect();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == 'd'
            && chars.get(i + 1) == Some(&'a')
            && chars.get(i + 2) == Some(&'_')
            && (i == 0 || !is_ident(chars[i - 1]))
        {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            if chars.get(j) == Some(&'(') {
                out.insert(name);
            }
        } else {
            i += 1;
        }
    }
    out
}

#[derive(Debug)]
struct NativeDeclaration {
    name: String,
    return_type: String,
    parameters: String,
    dll_import: Option<String>,
    line: usize,
}

/// `static extern` declarations of the C# source, with the DllImport attribute right before each.
fn csharp_declarations(cs: &str) -> Vec<NativeDeclaration> {
    let code = strip_c_like(cs, true);
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(pos) = code[search..].find("extern ") {
        let at = search + pos;
        search = at + 7;
        let before = &code[..at];
        if !before.trim_end().ends_with("static") {
            continue;
        }
        let Some(paren) = code[at..].find('(') else {
            break;
        };
        let signature = code[at + 7..at + paren].trim();
        let mut parts: Vec<&str> = signature.split_whitespace().collect();
        let name = parts.pop().unwrap_or("").to_string();
        let return_type = parts.join(" ");
        let close = code[at + paren..]
            .find(')')
            .map(|c| at + paren + c)
            .unwrap_or(code.len());
        let parameters = code[at + paren + 1..close].trim().to_string();
        // The attribute that precedes the modifiers of this declaration.
        let statement_start = before.rfind([';', '{', '}']).map(|p| p + 1).unwrap_or(0);
        let preamble = &code[statement_start..at];
        let dll_import = preamble.find("DllImport").map(|p| {
            let rest = &preamble[p..];
            rest[..rest.find(']').unwrap_or(rest.len())].to_string()
        });
        let line = code[..at].matches('\n').count() + 1;
        out.push(NativeDeclaration {
            name,
            return_type,
            parameters,
            dll_import,
            line,
        });
    }
    out
}

fn csharp_problems(cs: &str, header: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let code = strip_c_like(cs, true);
    let code_keep_strings = strip_c_like(cs, false);
    if !code_keep_strings.contains("internal const string LibraryName = \"delegated_admin\";") {
        problems.push("the C# source must contain `internal const string LibraryName = \"delegated_admin\";` (the module fills in the path)".to_string());
    }
    for (pattern, why) in [
        ("$\"", "string interpolation ($\"...\") needs C# 6"),
        ("?.", "the ?. operator needs C# 6"),
        ("nameof(", "nameof needs C# 6"),
        (
            "=>",
            "=> (lambdas or expression-bodied members) is not allowed here; write C# 5 blocks",
        ),
        ("?[", "the ?[ operator needs C# 6"),
    ] {
        if code.contains(pattern) {
            let line = code[..code.find(pattern).unwrap()].matches('\n').count() + 1;
            problems.push(format!("DelegatedAdmin.Native.cs:{line}: {why}"));
        }
    }
    let usings: Vec<&str> = code
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("using "))
        .collect();
    for u in &usings {
        let ns = u.trim_start_matches("using ").trim_end_matches(';').trim();
        if !(ns == "System" || ns.starts_with("System.")) {
            problems.push(format!(
                "DelegatedAdmin.Native.cs: `{u}` is not a framework namespace"
            ));
        }
    }
    if !code.contains("namespace DelegatedAdmin.Interop") {
        problems.push("the C# source must use namespace DelegatedAdmin.Interop".to_string());
    }

    let declarations = csharp_declarations(cs);
    let mut declared = BTreeSet::new();
    for d in &declarations {
        // The one Windows API the binding uses: loading the DLL by its path on .NET Framework
        // (DelegatedAdminNative.UseLibrary), which has no NativeLibrary class.
        if d.name == "LoadLibraryExW" {
            // (String literals are blanked in `d.dll_import`: look for the attribute in the source.)
            let kernel32 = cs.contains("[DllImport(\"kernel32.dll\"");
            if !kernel32 || d.dll_import.is_none() || d.return_type != "IntPtr" {
                problems.push(format!(
                    "DelegatedAdmin.Native.cs:{} LoadLibraryExW must be kernel32.dll's, returning IntPtr",
                    d.line
                ));
            }
            continue;
        }
        let at = format!("DelegatedAdmin.Native.cs:{} {}", d.line, d.name);
        if !d.name.starts_with("da_") {
            problems.push(format!(
                "{at}: extern functions must be the library's da_* functions"
            ));
        }
        match &d.dll_import {
            None => problems.push(format!("{at}: no [DllImport(...)]")),
            Some(attr) => {
                let compact: String = attr.chars().filter(|c| !c.is_whitespace()).collect();
                if !compact.starts_with("DllImport(LibraryName") {
                    problems.push(format!(
                        "{at}: DllImport must name the LibraryName constant ({attr})"
                    ));
                }
                if !compact.contains("CallingConvention=CallingConvention.Cdecl") {
                    problems.push(format!(
                        "{at}: DllImport must say CallingConvention = CallingConvention.Cdecl"
                    ));
                }
            }
        }
        let (want_return, want_params): (&str, &[&str]) = match d.name.as_str() {
            "da_string_free" => ("void", &["IntPtr"]),
            "da_version" => ("IntPtr", &[]),
            _ => ("IntPtr", &["byte[]"]),
        };
        if d.return_type != want_return {
            problems.push(format!("{at}: returns {} but must return {want_return} (a returned char* is never marshalled as string)", d.return_type));
        }
        let types: Vec<String> = d
            .parameters
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.rsplit_once(char::is_whitespace)
                    .map(|(t, _)| t.trim().to_string())
                    .unwrap_or_else(|| p.to_string())
            })
            .collect();
        if types.iter().map(String::as_str).collect::<Vec<_>>() != want_params {
            problems.push(format!(
                "{at}: parameters ({}) must be ({})",
                d.parameters,
                want_params.join(", ")
            ));
        }
        declared.insert(d.name.clone());
    }

    let exported = header_functions(header);
    if exported.is_empty() {
        problems.push("the header declares no da_* function".to_string());
    }
    for name in declared.difference(&exported) {
        problems.push(format!(
            "the C# source declares {name}, which include/delegated_admin.h does not"
        ));
    }
    for name in exported.difference(&declared) {
        problems.push(format!(
            "include/delegated_admin.h exports {name}, which the C# source does not declare"
        ));
    }
    if !code.contains("da_string_free(") || !code_keep_strings.contains("finally") {
        problems.push(
            "the C# source must free every returned string with da_string_free in a finally block"
                .to_string(),
        );
    }
    problems
}

// ---------------------------------------------------------------------------------------------------------------
// The tests over the real files
// ---------------------------------------------------------------------------------------------------------------

struct ModuleFile {
    path: PathBuf,
    display: String,
    src: String,
}

fn module_files(extensions: &[&str]) -> Vec<ModuleFile> {
    let root = repo_root();
    let mut paths = Vec::new();
    files_under(&root.join("powershell"), extensions, &mut paths);
    files_under(
        &root.join("tests").join("powershell"),
        extensions,
        &mut paths,
    );
    paths
        .into_iter()
        .map(|path| ModuleFile {
            display: path
                .strip_prefix(&root)
                .unwrap_or(&path)
                .display()
                .to_string(),
            src: read(&path),
            path,
        })
        .collect()
}

fn public_functions() -> Vec<(String, Vec<Function>)> {
    let dir = repo_root().join("powershell").join("Public");
    let mut paths = Vec::new();
    files_under(&dir, &["ps1"], &mut paths);
    assert!(!paths.is_empty(), "no powershell/Public/*.ps1 files");
    paths
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            (stem, functions_in(&read(&p)))
        })
        .collect()
}

#[test]
fn powershell_files_parse_without_errors() {
    let files = module_files(&["ps1", "psm1", "psd1"]);
    assert!(
        files
            .iter()
            .any(|f| f.display.ends_with("DelegatedAdmin.psd1")),
        "the manifest is missing"
    );
    assert!(
        files
            .iter()
            .any(|f| f.display.ends_with("DelegatedAdmin.psm1")),
        "the root module is missing"
    );
    let mut problems = Vec::new();
    for file in &files {
        problems.extend(syntax_problems(&file.display, &file.src));
    }
    eprintln!("parsed {} PowerShell files", files.len());
    report(&problems);
}

#[test]
fn manifest_exports_exactly_the_public_functions() {
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for (stem, functions) in public_functions() {
        problems.extend(public_file_problems(&stem, &functions));
        for f in functions {
            names.insert(f.name);
        }
    }
    let manifest = read(&repo_root().join("powershell").join("DelegatedAdmin.psd1"));
    problems.extend(manifest_problems(&manifest, &names));
    // The files the manifest names exist.
    for (key, values, _) in manifest_entries(&manifest).unwrap_or_default() {
        if [
            "RootModule",
            "FormatsToProcess",
            "TypesToProcess",
            "ScriptsToProcess",
            "NestedModules",
        ]
        .contains(&key.as_str())
        {
            for value in values {
                if !repo_root().join("powershell").join(&value).exists() {
                    problems.push(format!(
                        "the manifest's {key} names {value}, which does not exist"
                    ));
                }
            }
        }
    }
    report(&problems);
}

#[test]
fn public_functions_are_advanced_and_documented() {
    let mut problems = Vec::new();
    for (stem, functions) in public_functions() {
        for f in &functions {
            problems.extend(public_function_problems(&format!("Public/{stem}.ps1"), f));
        }
    }
    report(&problems);
}

#[test]
fn state_changing_functions_support_should_process() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in module_files(&["ps1", "psm1"]) {
        let public = file
            .path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n == "Public")
            .unwrap_or(false);
        if !file.display.starts_with("powershell") {
            continue; // test scripts may define helpers freely
        }
        for f in functions_in(&file.src) {
            checked += 1;
            problems.extend(should_process_problems(&file.display, &f, public));
        }
    }
    assert!(checked > 0, "no functions found");
    report(&problems);
}

#[test]
fn function_verbs_are_approved() {
    let mut problems = Vec::new();
    for file in module_files(&["ps1", "psm1"]) {
        if !file.display.starts_with("powershell") {
            continue;
        }
        for f in functions_in(&file.src) {
            problems.extend(verb_problems(&file.display, &f));
        }
    }
    report(&problems);
}

#[test]
fn csharp_binding_matches_the_header() {
    let root = repo_root();
    let cs = read(&root.join("powershell").join("DelegatedAdmin.Native.cs"));
    let header_path = root.join("include").join("delegated_admin.h");
    assert!(
        header_path.exists(),
        "{} does not exist: the native library's build (build.rs, cbindgen) generates it",
        header_path.display()
    );
    let header = read(&header_path);
    let problems = csharp_problems(&cs, &header);
    let declared: Vec<String> = csharp_declarations(&cs)
        .into_iter()
        .map(|d| d.name)
        .collect();
    eprintln!("C# declares {}: {}", declared.len(), declared.join(", "));
    report(&problems);
    let core = [
        "da_version",
        "da_string_free",
        "da_acquire_token",
        "da_start_device_code",
        "da_poll_device_code",
        "da_list_delegated_admin_customers",
        "da_remove_dap_relationship",
        "da_update_delegated_admin_relationship",
        "da_list_lighthouse_assignments",
        "da_remove_lighthouse_assignment",
    ];
    for name in core {
        assert!(
            declared.iter().any(|d| d == name),
            "the C ABI contract's {name} is not declared"
        );
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Negative tests: each check fails on a small bad sample (and passes on a good one)
// ---------------------------------------------------------------------------------------------------------------

const GOOD_REMOVE: &str = r#"
function Remove-Widget {
    <#
    .SYNOPSIS
    Removes a widget.
    .DESCRIPTION
    Removes it.
    .PARAMETER Name
    The widget.
    .EXAMPLE
    Remove-Widget -Name a
    .OUTPUTS
    None.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
    [OutputType([void])]
    param(
        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
        [string] $Name
    )
    process {
        if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { 'removed' }
    }
}
"#;

#[test]
fn negative_syntax_check_finds_errors_and_powershell_7_syntax() {
    assert!(syntax_problems("good.ps1", GOOD_REMOVE).is_empty());
    let broken = syntax_problems("bad.ps1", "function Get-X {\n    if ($a {\n}\n");
    assert!(
        !broken.is_empty(),
        "an unclosed parenthesis must be reported"
    );
    assert!(broken[0].starts_with("bad.ps1:"), "{broken:?}");
    assert!(
        !syntax_problems("t.ps1", "$x = $a ? 1 : 2\n").is_empty(),
        "the ternary operator is PowerShell 7 only"
    );
    assert!(
        !syntax_problems("t.ps1", "$x = $a ?? 2\n").is_empty(),
        "?? is PowerShell 7 only"
    );
    assert!(
        !syntax_problems("t.ps1", "Get-A && Get-B\n").is_empty(),
        "&& is PowerShell 7 only"
    );
    assert!(!syntax_problems("t.ps1", "1..3 | ForEach-Object -Parallel { $_ }\n").is_empty());
}

#[test]
fn negative_help_and_binding_checks() {
    let good = functions_in(GOOD_REMOVE);
    assert_eq!(good.len(), 1);
    assert_eq!(good[0].parameters, vec!["Name".to_string()]);
    assert!(
        public_function_problems("good.ps1", &good[0]).is_empty(),
        "{:?}",
        public_function_problems("good.ps1", &good[0])
    );

    let no_example = GOOD_REMOVE.replace(".EXAMPLE\n    Remove-Widget -Name a\n", "");
    let p = public_function_problems("x.ps1", &functions_in(&no_example)[0]);
    assert!(p.iter().any(|m| m.contains(".EXAMPLE")), "{p:?}");

    let no_parameter_help = GOOD_REMOVE.replace(".PARAMETER Name\n    The widget.\n", "");
    let p = public_function_problems("x.ps1", &functions_in(&no_parameter_help)[0]);
    assert!(p.iter().any(|m| m.contains(".PARAMETER Name")), "{p:?}");

    let no_help = "function Get-Widget {\n    [CmdletBinding()]\n    [OutputType([string])]\n    param()\n    'x'\n}\n";
    let p = public_function_problems("x.ps1", &functions_in(no_help)[0]);
    assert!(
        p.iter().any(|m| m.contains("no comment-based help")),
        "{p:?}"
    );

    let simple = "function Get-Widget {\n    <#\n    .SYNOPSIS\n    x\n    .EXAMPLE\n    Get-Widget\n    #>\n    param()\n}\n";
    let p = public_function_problems("x.ps1", &functions_in(simple)[0]);
    assert!(p.iter().any(|m| m.contains("CmdletBinding")), "{p:?}");
    assert!(p.iter().any(|m| m.contains("OutputType")), "{p:?}");
}

#[test]
fn negative_should_process_check() {
    let good = &functions_in(GOOD_REMOVE)[0];
    assert!(should_process_problems("x.ps1", good, true).is_empty());

    let without = GOOD_REMOVE.replace("SupportsShouldProcess = $true, ", "");
    let p = should_process_problems("x.ps1", &functions_in(&without)[0], true);
    assert!(
        p.iter().any(|m| m.contains("SupportsShouldProcess")),
        "{p:?}"
    );

    let medium = GOOD_REMOVE.replace("'High'", "'Medium'");
    let p = should_process_problems("x.ps1", &functions_in(&medium)[0], true);
    assert!(p.iter().any(|m| m.contains("ConfirmImpact")), "{p:?}");

    let never_asks = GOOD_REMOVE.replace(
        "if ($PSCmdlet.ShouldProcess($Name, 'Remove')) { 'removed' }",
        "'removed'",
    );
    let p = should_process_problems("x.ps1", &functions_in(&never_asks)[0], true);
    assert!(p.iter().any(|m| m.contains("never calls")), "{p:?}");

    let set = "function Set-Widget {\n    [CmdletBinding()]\n    param()\n}\n";
    assert!(
        !should_process_problems("x.ps1", &functions_in(set)[0], false).is_empty(),
        "private Set-* too"
    );
    let invoke = "function Invoke-Widget {\n    [CmdletBinding()]\n    param()\n}\n";
    assert!(!should_process_problems("x.ps1", &functions_in(invoke)[0], true).is_empty());
    assert!(should_process_problems("x.ps1", &functions_in(invoke)[0], false).is_empty());
    let bare = "function Remove-Widget {\n    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]\n    param()\n    $PSCmdlet.ShouldProcess('x')\n}\n";
    assert!(should_process_problems("x.ps1", &functions_in(bare)[0], true).is_empty());
}

#[test]
fn negative_verb_and_public_file_checks() {
    let bad = functions_in("function Delete-Widget { param() }\nfunction Get-Widget { param() }\n");
    assert_eq!(bad.len(), 2);
    assert!(
        !verb_problems("x.ps1", &bad[0]).is_empty(),
        "Delete is not approved"
    );
    assert!(verb_problems("x.ps1", &bad[1]).is_empty());
    assert!(!verb_problems("x.ps1", &functions_in("function Widget { param() }\n")[0]).is_empty());

    let p = public_file_problems("Get-Widget", &bad);
    assert!(p.iter().any(|m| m.contains("exactly one")), "{p:?}");
    let p = public_file_problems("Get-Gadget", &bad[1..]);
    assert!(p.iter().any(|m| m.contains("named like")), "{p:?}");
    assert!(public_file_problems("Get-Widget", &bad[1..]).is_empty());
}

#[test]
fn negative_manifest_check() {
    let public: BTreeSet<String> = ["Get-A", "Remove-B"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let good = "@{\n RootModule = 'M.psm1'\n ModuleVersion = '0.1.0'\n GUID = 'ada745b2-be23-4ade-8358-c1e6ee700bca'\n CompatiblePSEditions = @('Desktop', 'Core')\n PowerShellVersion = '5.1'\n FunctionsToExport = @(\n  'Get-A'\n  'Remove-B'\n )\n CmdletsToExport = @()\n AliasesToExport = @()\n VariablesToExport = @()\n PrivateData = @{ PSData = @{ Tags = @('x') } }\n}\n";
    assert!(
        manifest_problems(good, &public).is_empty(),
        "{:?}",
        manifest_problems(good, &public)
    );

    let wildcard = good.replace("@(\n  'Get-A'\n  'Remove-B'\n )", "'*'");
    assert!(manifest_problems(&wildcard, &public)
        .iter()
        .any(|m| m.contains("wildcard")));
    let unsorted = good.replace("'Get-A'\n  'Remove-B'", "'Remove-B'\n  'Get-A'");
    assert!(manifest_problems(&unsorted, &public)
        .iter()
        .any(|m| m.contains("not sorted")));
    let missing = good.replace("\n  'Remove-B'", "");
    assert!(manifest_problems(&missing, &public)
        .iter()
        .any(|m| m.contains("Remove-B is not in")));
    let extra = good.replace("'Remove-B'", "'Remove-B'\n  'Set-C'");
    assert!(manifest_problems(&extra, &public)
        .iter()
        .any(|m| m.contains("Set-C")));
    let cmdlets = good.replace("CmdletsToExport = @()", "CmdletsToExport = '*'");
    assert!(manifest_problems(&cmdlets, &public)
        .iter()
        .any(|m| m.contains("CmdletsToExport")));
    let desktop_only = good.replace("@('Desktop', 'Core')", "@('Desktop')");
    assert!(manifest_problems(&desktop_only, &public)
        .iter()
        .any(|m| m.contains("CompatiblePSEditions")));
}

#[test]
fn negative_csharp_checks() {
    let header = "/* frees a string from da_acquire_token() */\nconst char *da_version(void);\nchar *da_acquire_token(const char *request_json);\nvoid da_string_free(char *s);\n";
    assert_eq!(
        header_functions(header).into_iter().collect::<Vec<_>>(),
        vec!["da_acquire_token", "da_string_free", "da_version"]
    );
    let good = r#"using System;
using System.Runtime.InteropServices;
namespace DelegatedAdmin.Interop {
    internal static class N {
        internal const string LibraryName = "delegated_admin";
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr da_version();
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern IntPtr da_acquire_token(byte[] requestJson);
        [DllImport(LibraryName, CallingConvention = CallingConvention.Cdecl)]
        internal static extern void da_string_free(IntPtr s);
        // "da_string_free(" in a comment; the call below is in a finally block
        static void F() { IntPtr p = IntPtr.Zero; try { } finally { da_string_free(p); } }
    }
}
"#;
    assert!(
        csharp_problems(good, header).is_empty(),
        "{:?}",
        csharp_problems(good, header)
    );

    let returns_string = good.replace(
        "internal static extern IntPtr da_acquire_token",
        "internal static extern string da_acquire_token",
    );
    assert!(csharp_problems(&returns_string, header)
        .iter()
        .any(|m| m.contains("must return IntPtr")));
    let string_input = good.replace(
        "da_acquire_token(byte[] requestJson)",
        "da_acquire_token(string requestJson)",
    );
    assert!(csharp_problems(&string_input, header)
        .iter()
        .any(|m| m.contains("parameters")));
    let stdcall = good.replacen("CallingConvention.Cdecl", "CallingConvention.StdCall", 1);
    assert!(csharp_problems(&stdcall, header)
        .iter()
        .any(|m| m.contains("Cdecl")));
    let literal_name = good.replacen("DllImport(LibraryName", "DllImport(\"delegated_admin\"", 1);
    assert!(csharp_problems(&literal_name, header)
        .iter()
        .any(|m| m.contains("LibraryName constant")));

    let header_has_more =
        format!("{header}char *da_list_lighthouse_assignments(const char *request_json);\n");
    assert!(csharp_problems(good, &header_has_more)
        .iter()
        .any(|m| m.contains("da_list_lighthouse_assignments")));
    let header_has_less = header.replace("char *da_acquire_token(const char *request_json);\n", "");
    assert!(csharp_problems(good, &header_has_less)
        .iter()
        .any(|m| m.contains("does not")));

    let csharp6 = good.replace(
        "static void F() {",
        "static string G() { return $\"{1}\"; } static void F() {",
    );
    assert!(csharp_problems(&csharp6, header)
        .iter()
        .any(|m| m.contains("C# 6")));
    let lambda = good.replace("static void F() {", "static int H => 1; static void F() {");
    assert!(csharp_problems(&lambda, header)
        .iter()
        .any(|m| m.contains("=>")));
    let foreign = good.replace("using System;", "using Newtonsoft.Json;");
    assert!(csharp_problems(&foreign, header)
        .iter()
        .any(|m| m.contains("framework")));
}
