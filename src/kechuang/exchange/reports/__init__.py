"""Report documents: the region report as HTML, PDF (WeasyPrint) and xlsx, with static SVG charts.

The report model comes from :mod:`kechuang.services.reports`; this package only draws it. Charts
are plain SVG written here (no JavaScript, no CDN), so the PDF and an offline browser show the
same thing, and the CSS names Debian's ``WenQuanYi Micro Hei`` so Chinese renders in the PDF.
"""

from kechuang.exchange.reports.documents import (
    render_html,
    report_bytes,
    write_pdf,
    write_report,
    write_xlsx,
)

__all__ = ["render_html", "report_bytes", "write_pdf", "write_report", "write_xlsx"]
