"""Statistical baselines for many products: the time statsforecast takes, and the model mix.

    .venv/bin/python bench/forecast.py                       # 1,000 products × 36 months, 3 runs
    .venv/bin/python bench/forecast.py --products 200 --runs 1

The histories are the demo's (`domain.forecast.demo_history`: trend, 12-month season and noise,
from --seed), 36 months each; to show the model mix, some products start selling later (their
earlier months are zeros, which the baseline does not count): every 10th has 18 months of
history, every 25th 9, every 50th 5, every 100th 2 (no baseline) and every 200th none at all.
Printed: statsforecast's start-up (import, then the first fit, in this fresh process), then for
--runs batches of 12-month baselines with 80 % intervals (Decimal results included), the median,
min and max wall time, the cost per series, and the model mix. Target: under 5 s per batch.
"""

import argparse
import statistics
import sys
import time
from collections import Counter
from datetime import date

from domain.forecast.baseline import NoBaseline, monthly_baselines, warm_up
from domain.forecast.demo_history import demo_order_history

TARGET_SECONDS = 5.0
HORIZON = 12
# (every n-th product, months of history it has)
SHORTER = [(200, 0), (100, 2), (50, 5), (25, 9), (10, 18)]


def histories(products: int, months: int, seed: int) -> dict[int, list]:
    """The demo histories, some cut short by zeros before a later first order."""
    demo = demo_order_history(range(1, products + 1), date(2023, 1, 1), months, seed)
    result = {}
    for product, series in demo.items():
        quantities = list(series.values())
        kept = next((m for every, m in SHORTER if product % every == 0), months)
        result[product] = [0] * (months - kept) + quantities[months - kept :]
    return result


def model_mix(results) -> Counter:
    """How many products got each model (without its month count), or no baseline."""
    mix = Counter()
    for result in results.values():
        if isinstance(result, NoBaseline):
            mix["no baseline: " + result.reason.split(";")[0].split(" in the ")[0]] += 1
        else:
            mix[result.model.rsplit(", ", 1)[0]] += 1
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    if "statsforecast" in sys.modules:
        raise SystemExit("statsforecast is already imported: the start-up would not be measured")
    started = time.perf_counter()
    import statsforecast.models  # noqa: F401

    imported = time.perf_counter()
    warm_up()
    fitted = time.perf_counter()
    print(
        f"start-up: import statsforecast {imported - started:.2f} s, "
        f"first fit {(fitted - imported) * 1000:.0f} ms"
    )

    data = histories(args.products, args.months, args.seed)
    times = []
    for _ in range(args.runs):
        began = time.perf_counter()
        results = monthly_baselines(data, HORIZON)
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    print(
        f"{args.products} products × {args.months} months, {HORIZON}-month baselines, "
        f"{args.runs} runs: median {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}), "
        f"{median / args.products * 1000:.2f} ms per series"
    )
    print(
        f"target {TARGET_SECONDS:.0f} s per batch: {'met' if median < TARGET_SECONDS else 'MISSED'}"
        f"; with the start-up, a cold batch takes {fitted - started + median:.2f} s"
    )
    print("model mix:")
    for model, count in sorted(model_mix(results).items(), key=lambda kv: -kv[1]):
        print(f"  {count:5d}  {model}")


if __name__ == "__main__":
    main()
