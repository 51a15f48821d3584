"""Write fixtures/land_quota_2022_sample.{xlsx,csv}: 附件 2 in the bureau's layout, from fixtures/land_2022.json.

Title row, "单位:亩" row, the header row, names padded with full-width spaces as in the gazette ("古　 县"),
blank cells for 0, and a "总　 计" row. The csv writes numbers as typed in the gazette ("684. 28") and with
thousands separators ("1,289.35"), which the importer must accept. Run: .venv/bin/python bench/land_make_quota_samples.py
"""

import csv
import json
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TITLE = "临汾市 2022 年度“批而未用”土地清理任务分解表"
HEADER = ["县(市、区)", "批而未供土地消化任务", "闲置土地处置任务"]


def padded(name: str) -> str:
    return f"{name[0]}\u3000 {name[1]}" if len(name) == 2 else name


def gazette_number(value: Decimal) -> str:
    """As typed in the gazette: '684. 28' (a stray space after the point); thousands separated."""
    if not value:
        return ""
    text = f"{value:,f}"
    return text.replace(".", ". ", 1) if value < 1000 else text


def main():
    data = json.loads((FIXTURES / "land_2022.json").read_text(encoding="utf-8"))
    rows = [(padded(q["region"]), Decimal(q["unsupplied_mu"]), Decimal(q["idle_mu"])) for q in data["quotas"]]
    total_u = sum((r[1] for r in rows), Decimal(0))
    total_i = sum((r[2] for r in rows), Decimal(0))

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "附件2"
    sheet.append([TITLE])
    sheet.append(["单位:亩"])
    sheet.append(HEADER)
    for name, unsupplied, idle in rows:
        # numeric cells, as the bureau's spreadsheets have them; blanks stay empty
        sheet.append([name, float(unsupplied) if unsupplied else None, float(idle) if idle else None])
    sheet.append(["总\u3000 计", float(total_u), float(total_i)])
    sheet.merge_cells("A1:C1")
    workbook.save(FIXTURES / "land_quota_2022_sample.xlsx")

    with open(FIXTURES / "land_quota_2022_sample.csv", "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLE, "", ""])
        writer.writerow(["单位:亩", "", ""])
        writer.writerow(HEADER)
        for name, unsupplied, idle in rows:
            writer.writerow([name, gazette_number(unsupplied), gazette_number(idle)])
        writer.writerow(["总\u3000 计", gazette_number(total_u), gazette_number(total_i)])
    print(f"written: {len(rows)} rows, totals {total_u} / {total_i}")


if __name__ == "__main__":
    main()
