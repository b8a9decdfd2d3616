#!/usr/bin/env python3
"""Compare two directories of CRD YAML files as parsed objects (needs PyYAML).

    python3 hack/compare-crds.py GENERATED_DIR REFERENCE_DIR

For every file in REFERENCE_DIR: compares everything outside the schemas, then each version's
openAPIV3Schema, and prints the differing paths (added / removed / changed), summarised.
"""
import sys, os, yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(p):
    with open(p) as f:
        return yaml.load(f, Loader=Loader)


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = f"{path}.{k}"
            if k not in a:
                out.append(("only-reference", p, b[k]))
            elif k not in b:
                out.append(("only-generated", p, a[k]))
            else:
                diff(a[k], b[k], p, out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(("changed", path, (a, b)))


def short(v, n=100):
    s = repr(v)
    return s if len(s) <= n else s[:n] + "..."


def main(gen, ref):
    total = 0
    for name in sorted(os.listdir(ref)):
        if not name.endswith(".yaml"):
            continue
        g = os.path.join(gen, name)
        if not os.path.exists(g):
            print(f"== {name}: MISSING in {gen}")
            total += 1
            continue
        a, b = load(g), load(os.path.join(ref, name))
        print(f"== {name}")
        # outside the schemas
        sa = {v["name"]: v.get("schema", {}).get("openAPIV3Schema") for v in a["spec"]["versions"]}
        sb = {v["name"]: v.get("schema", {}).get("openAPIV3Schema") for v in b["spec"]["versions"]}
        for o in (a, b):
            for v in o["spec"]["versions"]:
                v.pop("schema", None)
        o1 = []
        diff(a, b, "", o1)
        o1 = [d for d in o1 if d[1] not in (".metadata.creationTimestamp", ".status")]
        for kind, p, v in o1:
            print(f"   non-schema {kind}: {p} = {short(v)}")
        for ver in sorted(set(sa) | set(sb)):
            o2 = []
            diff(sa.get(ver), sb.get(ver), "", o2)
            if not o2:
                print(f"   schema {ver}: identical")
                continue
            counts = {}
            for kind, _, _ in o2:
                counts[kind] = counts.get(kind, 0) + 1
            print(f"   schema {ver}: {len(o2)} differences {counts}")
            for kind, p, v in o2:
                if p.endswith(".description") or kind != "changed" and p.split(".")[-1] == "description":
                    continue
                print(f"      {kind}: {p} = {short(v)}")
            nd = sum(1 for _, p, _ in o2 if p.endswith(".description"))
            if nd:
                print(f"      (+{nd} description-only differences not listed)")
        total += len(o1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
