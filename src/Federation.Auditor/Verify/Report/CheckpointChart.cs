using System.Text;
using static Federation.Auditor.Verify.Report.Html;

namespace Federation.Auditor.Verify.Report;

/// <summary>
/// The checkpoints over time as inline SVG (no script, no external resource): tree size against signed time, a filled
/// dot for a checkpoint cosigned by at least one trusted witness, a hollow one for the others, and the latest marked
/// with its number of distinct trusted witnesses. Each dot's tooltip (<c>&lt;title&gt;</c>) names its witnesses.
/// </summary>
internal static class CheckpointChart
{
    private const double Width = 760, Height = 260, Left = 70, Right = 20, Top = 20, Bottom = 40;

    public static string Svg(IReadOnlyList<CheckpointRecord> checkpoints)
    {
        if (checkpoints.Count == 0) return "<p>No checkpoint was verified.</p>";
        var t0 = checkpoints.Min(c => c.SignedAt);
        var t1 = checkpoints.Max(c => c.SignedAt);
        var span = Math.Max((t1 - t0).TotalSeconds, 1);
        var maxSize = Math.Max(checkpoints.Max(c => c.Size), 1UL);
        double X(CheckpointRecord c) => Left + (c.SignedAt - t0).TotalSeconds / span * (Width - Left - Right);
        double Y(CheckpointRecord c) => Height - Bottom - (double)c.Size / maxSize * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append($"""<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" width="{N(Width)}" height="{N(Height)}" viewBox="0 0 {N(Width)} {N(Height)}" class="chart">""");
        svg.Append("""<title id="chart-title">Tree size of each verified checkpoint over its signing time</title>""");
        svg.Append($"""<line x1="{N(Left)}" y1="{N(Height - Bottom)}" x2="{N(Width - Right)}" y2="{N(Height - Bottom)}" class="axis"/>""");
        svg.Append($"""<line x1="{N(Left)}" y1="{N(Top)}" x2="{N(Left)}" y2="{N(Height - Bottom)}" class="axis"/>""");
        svg.Append($"""<text x="{N(Left - 6)}" y="{N(Top + 4)}" text-anchor="end">{E(maxSize)}</text>""");
        svg.Append($"""<text x="{N(Left - 6)}" y="{N(Height - Bottom)}" text-anchor="end">0</text>""");
        svg.Append($"""<text x="{N(Left)}" y="{N(Height - 12)}">{Time(t0)}</text>""");
        svg.Append($"""<text x="{N(Width - Right)}" y="{N(Height - 12)}" text-anchor="end">{Time(t1)}</text>""");
        svg.Append("<polyline class=\"line\" points=\"")
            .AppendJoin(' ', checkpoints.Select(c => $"{N(X(c))},{N(Y(c))}")).Append("\"/>");
        foreach (var c in checkpoints)
        {
            var cosigned = c.Witnesses.Count > 0;
            svg.Append($"""<circle cx="{N(X(c))}" cy="{N(Y(c))}" r="4" class="{(cosigned ? "cosigned" : "unwitnessed")}">""")
                .Append($"<title>#{c.Id}: size {E(c.Size)}, {Time(c.SignedAt)}, ")
                .Append(cosigned ? $"cosigned by {E(string.Join(", ", c.Witnesses))}" : "no trusted cosignature")
                .Append("</title></circle>");
        }
        var latest = checkpoints[^1];
        svg.Append($"""<text x="{N(Math.Min(X(latest), Width - Right - 4))}" y="{N(Math.Max(Y(latest) - 10, Top))}" text-anchor="end" class="latest" dx="-8">latest: {E(latest.Witnesses.Count)} trusted witness(es)</text>""");
        svg.Append("</svg>");
        svg.Append("""<p class="legend"><span class="dot cosigned"></span> cosigned by a trusted witness <span class="dot unwitnessed"></span> no trusted cosignature</p>""");
        return svg.ToString();
    }
}
