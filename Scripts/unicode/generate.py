#!/usr/bin/env python3
"""Turn Unicode data files into compact Swift sources for CampaignCore/LinkSafety.

Inputs (plain text, never committed; see README.md next to this script for where to get them):
  confusables.txt           UTS #39 data   https://www.unicode.org/Public/security/<version>/confusables.txt
  Scripts.txt               UCD            https://www.unicode.org/Public/<version>/ucd/Scripts.txt
  ScriptExtensions.txt      UCD            https://www.unicode.org/Public/<version>/ucd/ScriptExtensions.txt
  PropertyValueAliases.txt  UCD            https://www.unicode.org/Public/<version>/ucd/PropertyValueAliases.txt

Outputs:
  ConfusablesData.swift     one multi-line string literal, one "SOURCE>TARGET TARGET" line per mapping
  UnicodeScriptData.swift   two multi-line string literals: Script ranges and Script_Extensions ranges

Each table is a single string literal that the Swift code parses lazily at first use. Swift array or
dictionary literals of this size would make the type checker crawl, a string literal costs nothing.

Usage:
  python3 Scripts/unicode/generate.py --data-dir /path/to/unicode/files --output Sources/CampaignCore/LinkSafety
"""

import argparse
import os
import re
import sys

LICENCE_LINES = [
    "Licence of the data: Unicode License v3 (https://www.unicode.org/license.txt).",
    "Unicode and the Unicode Logo are registered trademarks of Unicode, Inc. in the U.S. and other countries.",
]


def read_lines(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def header_field(lines, pattern):
    """Return the first header comment matching pattern (e.g. the version or date line)."""
    regex = re.compile(pattern)
    for line in lines[:40]:
        match = regex.search(line)
        if match:
            return match.group(1).strip()
    return "unknown"


def parse_range(text):
    text = text.strip()
    if ".." in text:
        start, end = text.split("..")
        return int(start, 16), int(end, 16)
    value = int(text, 16)
    return value, value


def parse_confusables(path):
    lines = read_lines(path)
    version = header_field(lines, r"^#\s*Version:\s*(\S+)")
    date = header_field(lines, r"^#\s*Date:\s*(.+)$")
    mappings = []
    for raw in lines:
        line = raw.lstrip("\ufeff").split("#", 1)[0].strip()
        if not line:
            continue
        fields = [field.strip() for field in line.split(";")]
        if len(fields) < 3:
            raise ValueError(f"unexpected confusables line: {raw!r}")
        source = int(fields[0], 16)
        targets = [int(part, 16) for part in fields[1].split()]
        mappings.append((source, targets))
    mappings.sort()
    seen = set()
    for source, _ in mappings:
        if source in seen:
            raise ValueError(f"duplicate confusable source {source:04X}")
        seen.add(source)
    return version, date, mappings


def parse_script_aliases(path):
    aliases = {}
    for raw in read_lines(path):
        line = raw.split("#", 1)[0].strip()
        if not line.startswith("sc"):
            continue
        fields = [field.strip() for field in line.split(";")]
        if fields[0] != "sc":
            continue
        short, long_names = fields[1], fields[2:]
        for name in long_names:
            aliases[name] = short
        aliases[short] = short
    return aliases


def parse_scripts(path, aliases):
    lines = read_lines(path)
    version = header_field(lines, r"^#\s*Scripts-(\S+)\.txt")
    date = header_field(lines, r"^#\s*Date:\s*(.+)$")
    ranges = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        code_points, name = [field.strip() for field in line.split(";")]
        start, end = parse_range(code_points)
        ranges.append((start, end, aliases[name]))
    ranges.sort()
    merged = []
    for start, end, script in ranges:
        if merged and merged[-1][2] == script and merged[-1][1] + 1 == start:
            merged[-1] = (merged[-1][0], end, script)
        else:
            if merged and start <= merged[-1][1]:
                raise ValueError(f"overlapping Scripts.txt ranges at {start:04X}")
            merged.append((start, end, script))
    return version, date, merged


def parse_script_extensions(path):
    lines = read_lines(path)
    version = header_field(lines, r"^#\s*ScriptExtensions-(\S+)\.txt")
    ranges = []
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        code_points, scripts = [field.strip() for field in line.split(";")]
        start, end = parse_range(code_points)
        ranges.append((start, end, " ".join(sorted(scripts.split()))))
    ranges.sort()
    merged = []
    for start, end, scripts in ranges:
        if merged and merged[-1][2] == scripts and merged[-1][1] + 1 == start:
            merged[-1] = (merged[-1][0], end, scripts)
        else:
            merged.append((start, end, scripts))
    return version, merged


def swift_header(title, sources):
    lines = [
        f"// {title}",
        "// GENERATED by Scripts/unicode/generate.py; do not edit by hand, run the script again instead.",
        "//",
    ]
    lines += [f"// {source}" for source in sources]
    lines += ["//"] + [f"// {line}" for line in LICENCE_LINES] + [""]
    return "\n".join(lines)


def write_confusables(output_dir, version, date, mappings):
    body = "\n".join(
        f"{source:04X}>{' '.join(f'{target:04X}' for target in targets)}" for source, targets in mappings
    )
    text = swift_header(
        "ConfusablesData.swift: the UTS #39 confusable mappings (prototype of each confusable code point).",
        [
            f"Source: confusables.txt, Unicode Security Mechanisms for UTS #39, version {version} ({date}),",
            f"https://www.unicode.org/Public/security/{version}/confusables.txt",
            f"{len(mappings)} mappings, one a line: SOURCE>TARGET [TARGET…], code points in hexadecimal.",
        ],
    )
    text += (
        "\n"
        "enum ConfusablesData {\n"
        f"    /// Version of the Unicode security data this table was generated from.\n"
        f"    static let unicodeVersion = \"{version}\"\n"
        "\n"
        "    /// One mapping a line: `SOURCE>TARGET TARGET…`, hexadecimal code points.\n"
        "    static let mappings = \"\"\"\n"
        f"{body}\n"
        "\"\"\"\n"
        "}\n"
    )
    path = os.path.join(output_dir, "ConfusablesData.swift")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def write_scripts(output_dir, version, date, ranges, scx_version, scx_ranges):
    scripts_body = "\n".join(f"{start:04X} {end:04X} {script}" for start, end, script in ranges)
    scx_body = "\n".join(f"{start:04X} {end:04X} {scripts}" for start, end, scripts in scx_ranges)
    text = swift_header(
        "UnicodeScriptData.swift: the Script and Script_Extensions properties as code point ranges.",
        [
            f"Sources: Scripts.txt version {version} ({date}),",
            f"https://www.unicode.org/Public/{version}/ucd/Scripts.txt",
            f"and ScriptExtensions.txt version {scx_version},",
            f"https://www.unicode.org/Public/{scx_version}/ucd/ScriptExtensions.txt",
            "Script names are the ISO 15924 short codes of PropertyValueAliases.txt; adjacent ranges are merged.",
            "Code points in no range have the script Zzzz (Unknown).",
        ],
    )
    text += (
        "\n"
        "enum UnicodeScriptData {\n"
        "    /// Version of the Unicode Character Database these tables were generated from.\n"
        f"    static let unicodeVersion = \"{version}\"\n"
        "\n"
        f"    /// {len(ranges)} ranges, one a line: `FIRST LAST Script`, hexadecimal code points, sorted.\n"
        "    static let scripts = \"\"\"\n"
        f"{scripts_body}\n"
        "\"\"\"\n"
        "\n"
        f"    /// {len(scx_ranges)} ranges, one a line: `FIRST LAST Script Script…`, for code points whose\n"
        "    /// Script_Extensions differ from their Script.\n"
        "    static let scriptExtensions = \"\"\"\n"
        f"{scx_body}\n"
        "\"\"\"\n"
        "}\n"
    )
    path = os.path.join(output_dir, "UnicodeScriptData.swift")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="folder holding the four .txt files")
    parser.add_argument("--confusables")
    parser.add_argument("--scripts")
    parser.add_argument("--script-extensions")
    parser.add_argument("--property-value-aliases")
    parser.add_argument("--output", required=True, help="folder receiving the generated .swift files")
    args = parser.parse_args(argv)

    def path_of(explicit, name):
        if explicit:
            return explicit
        if not args.data_dir:
            parser.error(f"give --data-dir or the path of {name}")
        return os.path.join(args.data_dir, name)

    confusables = path_of(args.confusables, "confusables.txt")
    scripts = path_of(args.scripts, "Scripts.txt")
    extensions = path_of(args.script_extensions, "ScriptExtensions.txt")
    aliases = path_of(args.property_value_aliases, "PropertyValueAliases.txt")

    version, date, mappings = parse_confusables(confusables)
    written = [write_confusables(args.output, version, date, mappings)]
    script_aliases = parse_script_aliases(aliases)
    scripts_version, scripts_date, ranges = parse_scripts(scripts, script_aliases)
    scx_version, scx_ranges = parse_script_extensions(extensions)
    written.append(write_scripts(args.output, scripts_version, scripts_date, ranges, scx_version, scx_ranges))
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
