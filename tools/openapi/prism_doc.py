"""Writes a copy of openapi.yaml for prism.

Prism matches request paths against `paths` and ignores the path part of the
server URL, while our document (like the real API) keeps `/{org_name}/{app_name}`
in the server URL. This copy folds the server path, with the test org and
app, into every path; operations, parameters and schemas are untouched.

usage: python prism_doc.py IN OUT ORG APP
"""

import sys

import yaml


def main() -> None:
    src, dst, org, app = sys.argv[1:5]
    with open(src, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    prefix = f"/{org}/{app}"
    doc["paths"] = {prefix + path: item for path, item in doc["paths"].items()}
    doc["servers"] = [{"url": "http://127.0.0.1"}]
    with open(dst, "w", encoding="utf-8") as f:
        yaml.safe_dump(doc, f, sort_keys=False, allow_unicode=True)


if __name__ == "__main__":
    main()
