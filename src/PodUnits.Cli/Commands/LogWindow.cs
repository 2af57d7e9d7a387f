using System.Diagnostics;
using System.Text.Json;

namespace PodUnits.Cli.Commands;

/// <summary>
/// `logs -n N` and `status -n N`: the journal entries that hold the last N lines whole. A
/// container's line longer than a datagram holds is several entries (LineSplitter: every piece
/// but the last says CONTAINER_PARTIAL_MESSAGE=true), and journalctl's --lines counts
/// entries: `--lines=2` after a 20,000-byte line gave its last piece and the next line, and the
/// piece was shown as if it were the whole line (CLI review of 2026-12-07, finding 6). So the
/// journal is read backwards (journalctl -r) until N lines have been found and each of them
/// followed back to its first piece; the output then starts at the oldest of those entries
/// (--cursor), and only the last N lines of them are shown (<see cref="Entries"/>).
/// </summary>
/// <param name="Entries">How many entries, oldest first from <paramref name="Cursor"/>, the window holds.</param>
/// <param name="Cursor">The oldest entry's __CURSOR, where the output starts.</param>
/// <param name="Lines">How many of the lines the window renders to show: the last ones.</param>
/// <param name="UnfinishedLines">How many of those are lines not ended yet (the newest entry of
/// its stream is a piece), shown last: only the newest of them count, for `-n 1` while two
/// containers are each mid-line showed both (review of the merged CLI change, 2026-12-07,
/// finding 2).</param>
internal sealed record LogWindow(int Entries, string Cursor, int Lines, int UnfinishedLines = 0)
{
    /// <summary>
    /// How many entries past the N lines are read to find where the open ones began. A line's
    /// pieces are sent one after the other, so its first is near; but a stream that writes
    /// rarely (a stderr line a week, a quiet sidecar) has no earlier entry near to close its
    /// line on, and the whole journal was read, parsed and rendered for `status`'s ten lines
    /// (review of the merged CLI change, 2026-12-07). Past this many, a line is shown from the
    /// oldest of its pieces read.
    /// </summary>
    internal const int MaxOvershoot = 10_000;

    /// <summary>Reads <paramref name="newestFirst"/> (journalctl -r's JSON entries) until it holds
    /// the last <paramref name="lines"/> lines <see cref="LogsCommand.Render"/> shows, each from
    /// its first piece; null when the journal has no entry.</summary>
    public static async Task<LogWindow?> MeasureAsync(TextReader newestFirst, int lines, LogsCommand.LineFormat format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newestFirst);
        int entries = 0;
        int found = 0;
        int unfinished = 0;
        int overshoot = 0;
        string? cursor = null;
        var seen = new HashSet<string>(StringComparer.Ordinal); // container streams met so far
        var open = new HashSet<string>(StringComparer.Ordinal); // lines whose first piece is still to come
        while (await newestFirst.ReadLineAsync(cancellationToken) is { } json)
        {
            if (json.Length == 0)
            {
                continue;
            }
            entries++;
            using JsonDocument entry = JsonDocument.Parse(json);
            JsonElement root = entry.RootElement;
            cursor = root.TryGetProperty("__CURSOR", out JsonElement c) && c.ValueKind == JsonValueKind.String ? c.GetString() : cursor;
            if (LogsCommand.PieceKey(root) is { } key)
            {
                bool partial = LogsCommand.IsPartial(root);
                if (partial && seen.Add(key))
                {
                    // The newest of its stream and not the last piece: a line not ended yet,
                    // which is shown last (LogsCommand.Unfinished); followed back all the same,
                    // when it is one of the N lines.
                    if (found < lines)
                    {
                        found++;
                        unfinished++;
                        open.Add(key);
                    }
                }
                else if (!partial)
                {
                    seen.Add(key);
                    open.Remove(key); // the end of the line before: the one after it is whole
                    if (found < lines)
                    {
                        found++;
                        open.Add(key);
                    }
                }
            }
            else if (format.Prefix && found < lines)
            {
                found++; // PodUnits' own entry, one line
            }
            if (found >= lines && (open.Count == 0 || ++overshoot > MaxOvershoot))
            {
                break;
            }
        }
        return cursor is null ? null : new LogWindow(entries, cursor, lines, unfinished);
    }

    /// <summary>The window of the last <paramref name="lines"/> lines of the entries journalctl
    /// selects with <paramref name="selection"/> (matches, --since, --until).</summary>
    public static async Task<LogWindow?> MeasureAsync(IEnumerable<string> selection, int lines, LogsCommand.LineFormat format, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Core.Linux.HostTools.Journalctl, [.. selection, "--reverse"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process journalctl = Process.Start(start)
            ?? throw new Core.Errors.PodUnitsException("logs", "could not start journalctl");
        _ = journalctl.StandardError.ReadToEndAsync(cancellationToken); // said again by the run that shows them
        try
        {
            return await MeasureAsync(journalctl.StandardOutput, lines, format, cancellationToken);
        }
        finally
        {
            if (!journalctl.HasExited)
            {
                journalctl.Kill(); // the rest of the journal is not needed
            }
            await journalctl.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>journalctl's argument that starts the output at the window.</summary>
    public string Argument => $"--cursor={Cursor}";

    /// <summary>The lines to show of <paramref name="rendered"/>, the window's lines in order,
    /// while <paramref name="unfinished"/> lines not ended yet follow them (shown at the end, or
    /// once they end; <see cref="UnfinishedLines"/> of them at most): the last ones,
    /// <see cref="Lines"/> in all.</summary>
    public IEnumerable<T> Last<T>(IReadOnlyList<T> rendered, int unfinished)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        int keep = Math.Clamp(Lines - Math.Min(unfinished, UnfinishedLines), 0, rendered.Count);
        return rendered.Skip(rendered.Count - keep);
    }
}
