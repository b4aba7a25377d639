namespace Gradscope.Lab.Report;

/// <summary>The page's inline stylesheet: no external fonts, scripts or sheets, so the file works offline and attached to an email.</summary>
internal static class HtmlStyles
{
    public const string Css = """
        :root { --fg: #1d1f23; --muted: #5b6270; --line: #d9dde3; --bg: #ffffff; --panel: #f6f7f9; --bad: #b00020; --good: #1b7f3b; }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px 32px 48px; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
        header { border-bottom: 1px solid var(--line); margin-bottom: 20px; padding-bottom: 12px; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; margin: 28px 0 10px; }
        .meta { color: var(--muted); font-size: 14px; }
        .meta code { color: var(--fg); }
        .status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600; background: var(--panel); border: 1px solid var(--line); }
        .status-completed { color: var(--good); border-color: var(--good); }
        .status-diverged, .status-failed { color: var(--bad); border-color: var(--bad); }
        .banner { border: 1px solid var(--bad); color: var(--bad); background: #fff5f6; padding: 8px 12px; border-radius: 6px; margin: 12px 0; }
        .notes { color: var(--muted); font-size: 14px; padding-left: 20px; }
        table { border-collapse: collapse; font-size: 14px; margin: 4px 0 12px; }
        th, td { border: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
        th { background: var(--panel); font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px; overflow-x: auto; font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
        .figures { display: flex; flex-wrap: wrap; gap: 20px; }
        figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: var(--bg); max-width: 100%; }
        figure img { display: block; max-width: 100%; height: auto; }
        figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; max-width: 900px; }
        figcaption a { color: var(--muted); }
        details > summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
        .empty { color: var(--muted); font-style: italic; }
        """;
}
