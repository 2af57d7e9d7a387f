using PodUnits.Images.Store;

namespace PodUnits.Images.Progress;

/// <summary>
/// Shows pull progress: on a terminal one bar per blob, redrawn in place
/// (<c>Downloading sha256:6089112fedd [=====     ] 3.72 MB / 3.72 MB</c>); elsewhere (a
/// journal, a pipe) one line per blob when it is done, so logs stay short. Reports arrive
/// from several download tasks at once, so drawing is serialized. Hand-written rather
/// than Spectre.Console: a few lines of ANSI, nothing to trim or reflect over.
/// </summary>
public sealed class PullProgressRenderer : IProgress<PullProgress>
{
    private readonly TextWriter _out;
    private readonly bool _terminal;
    private readonly Lock _lock = new();
    private readonly List<string> _order = [];
    private readonly Dictionary<string, string> _lines = new(StringComparer.Ordinal);
    private int _drawn;
    private long _lastDraw;

    public PullProgressRenderer(TextWriter output, bool isTerminal)
    {
        _out = output;
        _terminal = isTerminal;
    }

    /// <summary>To stderr, bars when stderr is a terminal.</summary>
    public static PullProgressRenderer ForStandardError() => new(Console.Error, !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb"));

    public void Report(PullProgress value)
    {
        lock (_lock)
        {
            string id = Digests.Abbreviate(value.Digest);
            if (!_terminal)
            {
                string? line = value.Phase switch
                {
                    PullPhase.Exists => $"Exists sha256:{id}",
                    PullPhase.Done => $"Downloaded sha256:{id} {Size(value.Done)}",
                    PullPhase.Retrying => $"Retrying sha256:{id} from {Size(value.Done)}",
                    PullPhase.Unpacked => $"Unpacked sha256:{id}{NoteOf(value)}",
                    _ => null,
                };
                if (line is not null) _out.WriteLine(line);
                return;
            }
            if (!_lines.ContainsKey(value.Digest)) _order.Add(value.Digest);
            _lines[value.Digest] = value.Phase switch
            {
                PullPhase.Exists => $"Exists      sha256:{id}",
                PullPhase.Unpacking => $"Unpacking   sha256:{id}",
                PullPhase.Unpacked => $"Unpacked    sha256:{id}{NoteOf(value)}",
                PullPhase.Retrying => $"Retrying    sha256:{id} {Bar(value)} {Size(value.Done)} / {Size(value.Total)}",
                _ => $"{(value.Phase == PullPhase.Done ? "Downloaded " : "Downloading")} sha256:{id} {Bar(value)} {Size(value.Done)} / {Size(value.Total)}",
            };
            long now = Environment.TickCount64;
            if (value.Phase is PullPhase.Downloading or PullPhase.Unpacking && now - _lastDraw < 100) return; // ~10 redraws a second
            _lastDraw = now;
            Draw();
        }
    }

    private void Draw()
    {
        var text = new System.Text.StringBuilder();
        if (_drawn > 0) text.Append($"\u001b[{_drawn}A");
        foreach (string digest in _order) text.Append("\r\u001b[2K").Append(_lines[digest]).Append('\n');
        _drawn = _order.Count;
        _out.Write(text.ToString());
        _out.Flush();
    }

    private static string NoteOf(PullProgress p) => p.Note is null ? "" : $" ({p.Note})";

    private static string Bar(PullProgress p)
    {
        const int width = 30;
        int filled = p.Total > 0 ? (int)Math.Min(width, p.Done * width / p.Total) : 0;
        return "[" + new string('=', filled) + new string(' ', width - filled) + "]";
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1_000_000_000 => $"{bytes / 1e9:0.00} GB",
        >= 1_000_000 => $"{bytes / 1e6:0.00} MB",
        >= 1_000 => $"{bytes / 1e3:0.00} kB",
        _ => $"{bytes} B",
    };
}
