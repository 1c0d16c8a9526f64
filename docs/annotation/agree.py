"""Agreement of two annotators on the same sentences, per label (F1 of one against the other, Cohen's kappa).

Usage: python docs/annotation/agree.py FIRST.csv SECOND.csv [--list]
Both files need ``id`` and ``labels`` columns; ``--list`` prints every sentence they label differently.
"""
import sys

import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score
L = ["pro_extension", "blames_seoul", "blames_tokyo", "blames_us"]
a = pd.read_csv(sys.argv[1], keep_default_na=False).set_index("id")
b = pd.read_csv(sys.argv[2], keep_default_na=False).set_index("id")
ids = [i for i in a.index if i in b.index]
print(f"{len(ids)} sentences in both ({len(a)} / {len(b)})")
sets = lambda d: [set(x for x in d.loc[i, "labels"].split(";") if x) for i in ids]
A, B = sets(a), sets(b)
f1s = []
for l in L:
    y1 = [l in s for s in A]; y2 = [l in s for s in B]
    f = f1_score(y1, y2); f1s.append(f)
    print(f"{l:<15} A {sum(y1):>4} B {sum(y2):>4}  F1 {f:.3f}  kappa {cohen_kappa_score(y1, y2):.3f}")
print(f"macro-F1 {sum(f1s)/4:.3f}; identical label sets {sum(x == y for x, y in zip(A, B))}/{len(ids)}")
if "--list" in sys.argv:
    for i, x, y in zip(ids, A, B):
        if x != y:
            print(f"\n{i}\n  TEXT {a.loc[i,'text']}\n  A {';'.join(sorted(x)) or '-'} | {a.loc[i,'note']}\n  B {';'.join(sorted(y)) or '-'} | {b.loc[i,'note']}")
