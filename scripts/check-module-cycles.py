#!/usr/bin/env python3
"""The import graph of the library's top-level modules (src/*.rs and src/*/) must have no cycle.

Reads every `crate::<module>` reference (in `use` lines and in paths) outside `#[cfg(test)]` items, builds the
graph module -> modules it uses, and fails listing each cycle found. Also checks that the transport layer
(src/pipeline/) names no service module. Standard library only; run by tests/run-all.sh.

    python3 scripts/check-module-cycles.py [src-dir]
"""
import os
import re
import sys

SERVICE_MODULES = {"customers", "partner_center", "cloudcockpit", "lighthouse", "gdap", "identity"}


def strip_tests(text):
    """Drop `#[cfg(test)]` items (a `mod tests { ... }` block or a `mod tests;` declaration)."""
    out = []
    i = 0
    while True:
        at = text.find("#[cfg(test)]", i)
        if at < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:at])
        j = at + len("#[cfg(test)]")
        # The item ends at `;` or at the brace that closes its first `{`.
        depth = 0
        while j < len(text):
            c = text[j]
            if c == ";" and depth == 0:
                j += 1
                break
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    j += 1
                    break
            j += 1
        i = j


def top_module(src, path):
    rel = os.path.relpath(path, src)
    first = rel.split(os.sep)[0]
    return first[:-3] if first.endswith(".rs") else first


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    modules = set()
    edges = {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith(".rs") or name == "tests.rs":
                continue
            path = os.path.join(root, name)
            module = top_module(src, path)
            if module in ("lib", "main"):
                continue
            modules.add(module)
            text = strip_tests(open(path, encoding="utf-8").read())
            # Comments may name modules in prose; only code counts.
            code = re.sub(r"//[^\n]*", "", text)
            for used in re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", code):
                if used != module:
                    edges.setdefault(module, set()).add(used)
            # `use crate::{a, b::c}` groups.
            for group in re.findall(r"\bcrate::\{([^}]*)\}", code):
                for used in re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", group):
                    if used != module and used != "self":
                        edges.setdefault(module, set()).add(used)
    problems = []
    pipeline_uses = edges.get("pipeline", set()) & SERVICE_MODULES
    if pipeline_uses:
        problems.append("the transport layer (pipeline) names service modules: " + ", ".join(sorted(pipeline_uses)))
    # Cycles: depth-first search, reporting each cycle once (by its smallest rotation).
    seen_cycles = set()
    state = {}

    def visit(node, stack):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in modules:
                continue
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):]
                k = cycle.index(min(cycle))
                key = tuple(cycle[k:] + cycle[:k])
                if key not in seen_cycles:
                    seen_cycles.add(key)
                    problems.append("cycle: " + " -> ".join(key + (key[0],)))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = "done"

    for m in sorted(modules):
        if m not in state:
            visit(m, [])
    edge_count = sum(len(v & modules) for v in edges.values())
    if problems:
        print("module graph: %d modules, %d edges" % (len(modules), edge_count))
        for p in problems:
            print("  " + p)
        return 1
    print("module graph: %d modules, %d edges, no cycle; pipeline names no service" % (len(modules), edge_count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
