# Copyright (c) mmslkd contributors. All rights reserved.
"""Collect the final (or best) metrics of a set of runs into Markdown
tables in the layout of the SLKD paper's Tables 1-2 (teacher, student from
scratch, one column per method), with the paper's published numbers beside
ours where it has them.

    python tools/analysis_tools/results_table.py PATH [PATH ...] \
        [--how last|best] [--metric accuracy/top1] [--out results.md]

Each PATH is a tools/train.py work dir or a folder of them (searched
recursively, e.g. ``work_dirs``); what it is comes from its config's
name ({method}_{teacher}_{student}_{dataset} or {network}_{dataset}).
Several runs of one method and pair (seeds) give mean +- std. Writes the
Markdown (``--out``) and the data behind it (the same name, ``.json``).
"""
import argparse
import json
import os
import os.path as osp

# isort: off
import mmslkd  # noqa: F401
# isort: on
from mmslkd.analysis import build_results_table, collect_runs, format_markdown


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'paths',
        nargs='+',
        help='run work dirs, or folders below which to find them')
    parser.add_argument('--how', default='last', choices=['last', 'best'])
    parser.add_argument('--metric', default='accuracy/top1')
    parser.add_argument('--out', help='write the Markdown here too')
    parser.add_argument(
        '--include-unfinished',
        action='store_true',
        help='also count runs that stopped before the end of their schedule')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        runs = collect_runs(
            args.paths,
            include_unfinished=args.include_unfinished,
            metric=args.metric,
            how=args.how)
    except FileNotFoundError as err:
        raise SystemExit(str(err))
    table = build_results_table(runs)
    text = format_markdown(table)
    print(text)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text + '\n')
        with open(osp.splitext(args.out)[0] + '.json', 'w') as f:
            json.dump(dict(runs=runs, table=table), f, indent=1)


if __name__ == '__main__':
    main()
