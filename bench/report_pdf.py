"""The panel report benchmark (`make bench`): a 20-page quality assurance report with a 200-row appendix
table, rendered to a tagged A4 PDF from a frozen content dict (no database needed).

Prints `report_pdf_20p_s: <seconds>` (the median of a few renders, after one warm-up that loads the fonts)
and `report_pdf_pages: <pages>`. Target on the 2-core reference machine: under 5 seconds.

    python bench/report_pdf.py [--runs 3]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from demo.sample_report import synthetic_content
    from reporting.render import report_pdf

    content = synthetic_content(questions=200, audits=1, plans=1)
    rendered = report_pdf(content)  # warm-up: fonts and templates loaded once per worker process
    times, cpu_times = [], []
    for _ in range(arguments.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        rendered = report_pdf(content)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    seconds = statistics.median(times)
    print(f"report_pdf_20p_s: {seconds:.2f}", flush=True)
    # CPU time as well: on a shared machine the wall time above includes waiting for a core.
    print(f"report_pdf_20p_cpu_s: {statistics.median(cpu_times):.2f}", flush=True)
    print(f"report_pdf_pages: {rendered.page_count}", flush=True)
    if seconds >= TARGET_SECONDS:
        print(f"report_pdf_20p_s is over its target of {TARGET_SECONDS} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
