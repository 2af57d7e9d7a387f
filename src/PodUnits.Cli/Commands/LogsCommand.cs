using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Systemd.Units;

namespace PodUnits.Cli.Commands;

/// <summary>
/// <c>podunits logs NAME [-f] [--container C] [-n N] [--since TIME] [--until TIME] [-t]</c>: the pod's container output from the
/// host journal (the entries the executor forwarded, matched by POD_NAME and the unit). It
/// reads through journalctl's JSON output, so it sees exactly what `journalctl -u pod@NAME`
/// sees, and prefixes lines with their container when several containers are shown.
/// </summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var name = PodArgument.Create();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they arrive, until the pod has stopped." };
        var container = new Option<string?>("--container", "-c") { Description = "Only this container's lines.", HelpName = "CONTAINER" };
        var lines = new Option<int?>("--lines", "-n") { Description = "Only the last N lines.", HelpName = "N" };
        var since = new Option<string?>("--since")
        {
            Description = "Only lines since then: a duration back from now (10m, 1h30m) or a time (2026-12-04T10:00:00Z, "
                + "2026-12-04 10:00, local without a zone).",
            HelpName = "TIME",
        };
        var until = new Option<string?>("--until")
        {
            Description = "Only lines before then, in --since's forms (a duration back from now, or a time); with -f, follow until then.",
            HelpName = "TIME",
        };
        var timestamps = new Option<bool>("--timestamps", "-t") { Description = "Start each line with the time it was written (RFC 3339, UTC, in µs)." };
        var command = new Command("logs", """
            Print what a pod's containers wrote to stdout and stderr, from the journal.
            Each line starts with its container's name (not with -c, where all are one
            container's); PodUnits' own messages about the pod have none, and --container
            leaves them out.
              podunits logs web
              podunits logs -f web -c app
              podunits logs -n 20 web
              podunits logs --since 10m -t web
              podunits logs --since '2026-12-04 10:00' --until '2026-12-04 10:05' web
            """)
        {
            name, follow, container, lines, since, until, timestamps,
        };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            string pod = PodArgument.Validated(parsed, name);
            string? only = parsed.GetValue(container);
            if (only is not null && ResourceNames.Explain(only) is { } why)
            {
                throw new BadInputException($"container name \"{only}\"", why);
            }
            // --all: without it journalctl's JSON gives null for a field of 4 KiB or more (docs/platform-facts.md).
            var arguments = new List<string> { "--no-pager", "-q", "--all", "-o", "json", OutputFields };
            arguments.AddRange(Matches(pod, only, Runtime.State.PodLogUnits.Of(pod)));
            if (parsed.GetValue(lines) is < 0 and int negative)
            {
                throw new BadInputException($"--lines {negative}", "must be 0 or more");
            }
            DateTimeOffset now = DateTimeOffset.Now;
            DateTimeOffset? from = parsed.GetValue(since) is { } s ? LogsSince.Parse(s, now) : null;
            DateTimeOffset? to = parsed.GetValue(until) is { } u ? LogsSince.Parse(u, now, "--until") : null;
            if (from > to)
            {
                throw new BadInputException($"--since '{parsed.GetValue(since)}'", $"is after --until '{parsed.GetValue(until)}'");
            }
            arguments.AddRange([.. from is { } f ? [LogsSince.JournalctlArgument(f)] : Array.Empty<string>(),
                .. to is { } t ? [LogsSince.JournalctlArgument(t, "--until")] : Array.Empty<string>()]);
            // A name or container nothing is known of is a typo, not an empty log.
            PodArgument.RequireKnown(pod, () => HasLines(pod, null));
            if (only is not null && !HasLines(pod, only) && DefinedContainers(pod) is { } defined && !defined.Contains(only))
            {
                throw new BadInputException($"pod {pod}", $"has no container \"{only}\" (it has: {string.Join(", ", defined)})");
            }
            var format = new LineFormat(Prefix: only is null, Timestamps: parsed.GetValue(timestamps));
            LogWindow? window = null;
            if (parsed.GetValue(lines) is int n)
            {
                // The entries of the last N lines whole, not journalctl's last N entries, of which
                // a long line is several (LogWindow).
                window = n > 0 ? await LogWindow.MeasureAsync(arguments, n, format, cancellationToken) : null;
                if (window is not null && from is { } after)
                {
                    // journalctl takes --since or --cursor, not both; the window is after it.
                    arguments.Remove(LogsSince.JournalctlArgument(after));
                }
                arguments.Add(window?.Argument ?? $"--lines={n}");
            }
            // As kubectl logs -f and podman logs -f: follow while the pod runs (a pod@NAME.service
            // between automatic restarts counts as running), and end once it has stopped; with
            // --until, as podman logs -f --until, also then (journalctl -f would go on, silent).
            await using SystemdManager? systemd = parsed.GetValue(follow) ? await SystemdManager.ConnectAsync(cancellationToken: cancellationToken) : null;
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task watching = Task.CompletedTask;
            if (systemd is not null && (to is null || to > DateTimeOffset.Now) && await RunningAsync(systemd, pod))
            {
                arguments.Add("--follow");
                if (parsed.GetValue(lines) is null || window is not null)
                {
                    // journalctl -f shows only the last 10 lines unless told otherwise; kubectl
                    // and podman logs -f show all of them, then follow (from the window's
                    // cursor, all that follows it).
                    arguments.Add("--no-tail");
                }
                if (to is { } end)
                {
                    // Now again: the check above was a bus call ago, and a time just past cancels at once.
                    TimeSpan left = end - DateTimeOffset.Now;
                    ended.CancelAfter(left <= TimeSpan.Zero ? TimeSpan.Zero : left < MaxFollow ? left : MaxFollow);
                }
                watching = Task.WhenAll(WatchForEndAsync(systemd, pod, ended), WatchForReaderGoneAsync(ended));
            }
            try
            {
                return await StreamAsync(arguments, format, window, ended.Token);
            }
            finally
            {
                await ended.CancelAsync();
                await watching; // before the bus connection goes
            }
        });
        return command;
    }

    /// <summary>The fields <see cref="Render"/> reads, for journalctl's --output-fields.</summary>
    internal const string OutputFields = "--output-fields=MESSAGE,PRIORITY,CONTAINER_NAME,CONTAINER_PARTIAL_MESSAGE,_LINE_BREAK,SYSLOG_IDENTIFIER,MESSAGE_ID,CODE_FILE";

    /// <summary>journalctl matches for the pod's lines (one container's with
    /// <paramref name="container"/>): only what its executor forwarded. _SYSTEMD_UNIT is
    /// journald's own (no client can forge it), pod@NAME.service or an ad-hoc pod's scope;
    /// any local program may send POD_NAME=NAME. One container's lines are also those with
    /// its SYSLOG_IDENTIFIER: in a one-container pod the unit's LogExtraFields= gives
    /// PodUnits' own entries its CONTAINER_NAME too (<see cref="IsContainerLine"/>). A pod a
    /// service of the host's own has run (<paramref name="otherServices"/>, PodLogUnits) has
    /// its lines under that service, from root (_UID, journald's too): its other processes
    /// may not run as root, and their POD_NAME is no pod's.</summary>
    internal static List<string> Matches(string pod, string? container, IReadOnlyList<string> otherServices)
    {
        ArgumentNullException.ThrowIfNull(otherServices);
        var matches = new List<string>();
        IEnumerable<string[]> units = [[$"_SYSTEMD_UNIT={PodArgument.UnitName(pod)}"], [$"_SYSTEMD_UNIT={Runtime.Executor.AdHocScope.Name(pod)}"],
            .. otherServices.Select(s => new[] { $"_SYSTEMD_UNIT={s}", "_UID=0" })];
        foreach (string[] unit in units)
        {
            matches.AddRange(matches.Count > 0 ? ["+"] : []); // journalctl's OR between groups of matches
            matches.AddRange([.. unit, $"POD_NAME={pod}",
                .. container is null ? Array.Empty<string>() : [$"CONTAINER_NAME={container}", $"SYSLOG_IDENTIFIER={container}"]]);
        }
        if (container is null)
        {
            // PodUnits' own entries from pod@NAME.service that journald read after their
            // sender had exited (stage 0's error, sent just before it ends: the start's "why")
            // carry neither _SYSTEMD_UNIT nor the unit's POD_NAME, only the OBJECT_SYSTEMD_UNIT
            // PodUnitsLogging adds, from root; `journalctl -u` matches them the same way
            // (journal review of 2026-12-06, finding 3).
            matches.AddRange(["+", $"OBJECT_SYSTEMD_UNIT={PodArgument.UnitName(pod)}", "_UID=0"]);
        }
        return matches;
    }

    /// <summary>CancelAfter's limit (int.MaxValue ms, 24 days); a later --until follows that long.</summary>
    private static readonly TimeSpan MaxFollow = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>
    /// Whether an entry is a line a container wrote rather than one of PodUnits' own. The
    /// executor sends a container's lines with SYSLOG_IDENTIFIER set to the container's name
    /// (in the stream header or in each datagram: docs/design.md), and a container writes
    /// only the MESSAGE. PodUnits' own entries say SYSLOG_IDENTIFIER=podunits, and the native
    /// ones also carry CODE_FILE (PodLog) or MESSAGE_ID (lifecycle events). CONTAINER_NAME
    /// alone cannot tell: generated units of one-container pods put it on every entry of the
    /// unit through LogExtraFields= (docs/journal.md), the executor's messages included.
    /// </summary>
    internal static bool IsContainerLine(JsonElement entry) =>
        ContainerOf(entry) is not null
        && !entry.TryGetProperty("MESSAGE_ID", out _)
        && !entry.TryGetProperty("CODE_FILE", out _);

    /// <summary>The container an entry names both as CONTAINER_NAME and SYSLOG_IDENTIFIER.
    /// CONTAINER_NAME can hold two values (journalctl gives an array): a unit generated from
    /// an older definition adds its one container's name to every line (LogRoutes.StaleUnitFields),
    /// and the line's own is the one that is also its identifier.</summary>
    private static string? ContainerOf(JsonElement entry)
    {
        if (Text(entry, "SYSLOG_IDENTIFIER") is not { Length: > 0 } identifier || !entry.TryGetProperty("CONTAINER_NAME", out JsonElement names))
        {
            return null;
        }
        IEnumerable<JsonElement> values = names.ValueKind == JsonValueKind.Array ? names.EnumerateArray() : [names];
        return values.Any(v => v.ValueKind == JsonValueKind.String && v.GetString() == identifier) ? identifier : null;
    }

    private static string? Text(JsonElement entry, string field) =>
        entry.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Whether the pod runs: its pod@NAME.service or ad-hoc scope is active, or any
    /// run holds its name (a service of the host's own runs it).</summary>
    private static async Task<bool> RunningAsync(SystemdManager systemd, string pod) =>
        await systemd.GetUnitStatusAsync(PodArgument.UnitName(pod)) is { ActiveState: not ("inactive" or "failed") }
        || await systemd.GetUnitStatusAsync(Runtime.Executor.AdHocScope.Name(pod)) is { IsActive: true }
        || Runtime.State.PodClaim.IsHeld(pod);

    /// <summary>Cancels <paramref name="ended"/> once nobody reads the output any more, as
    /// journalctl -f ends: `podunits logs -f web | grep -m1 ready` must not wait for a line
    /// after the one it wanted, nor for the pod's end.</summary>
    private static Task WatchForReaderGoneAsync(CancellationTokenSource ended) => Task.Run(async () =>
    {
        while (!ended.IsCancellationRequested)
        {
            if (PlainConsole.OutputReaderGone(500))
            {
                await ended.CancelAsync();
                return;
            }
        }
    });

    /// <summary>Cancels <paramref name="ended"/> once the pod has stopped, a moment after, so
    /// that journalctl has shown its last lines (the executor ends only once they are in).</summary>
    private static async Task WatchForEndAsync(SystemdManager systemd, string pod, CancellationTokenSource ended)
    {
        try
        {
            while (await RunningAsync(systemd, pod))
            {
                await Task.Delay(500, ended.Token);
            }
            await Task.Delay(1000, ended.Token);
            await ended.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or PodUnitsException)
        {
            // Interrupted, or systemd cannot tell: journalctl goes on until interrupted.
        }
    }

    /// <summary>Whether the journal holds any line of the pod (of one container of it).</summary>
    private static bool HasLines(string pod, string? container)
    {
        var start = new ProcessStartInfo(Core.Linux.HostTools.Journalctl, ["--no-pager", "-q", "-o", "cat", "--lines=1", $"POD_NAME={pod}",
            .. container is null ? Array.Empty<string>() : [$"CONTAINER_NAME={container}"]])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process? journalctl = Process.Start(start);
        if (journalctl is null)
        {
            return true; // cannot tell: do not refuse
        }
        string output = journalctl.StandardOutput.ReadToEnd();
        journalctl.WaitForExit();
        return output.Length > 0;
    }

    /// <summary>The containers of the pod's definition, or null when it has none that loads.</summary>
    private static List<string>? DefinedContainers(string pod)
    {
        if (Definitions.PodDefinitionSearchPath.Default.Find(pod) is not { } file
            || Definitions.PodDefinitionLoader.LoadFile(file).Pod is not { } definition)
        {
            return null;
        }
        return [.. definition.InitContainers.Concat(definition.Containers).Select(c => c.Name)];
    }

    /// <summary>How <see cref="Render"/> shows a line: <paramref name="Prefix"/> the container's
    /// name (every container's lines shown), <paramref name="Timestamps"/> the entry's time,
    /// <paramref name="Escape"/> control characters as \xNN (a terminal reads them).</summary>
    internal readonly record struct LineFormat(bool Prefix, bool Timestamps = false, bool Escape = false);

    private static async Task<int> StreamAsync(List<string> arguments, LineFormat format, LogWindow? window, CancellationToken cancellationToken)
    {
        // A container's output is its own to choose: on a terminal its escape sequences could
        // retitle the window, rewrite what is shown or answer queries as if typed (CVE-2003-0063
        // style), so they are shown escaped, as journalctl does. A pipe or file gets the bytes.
        format = format with { Escape = Console.IsOutputRedirected is false };
        var start = new ProcessStartInfo(Core.Linux.HostTools.Journalctl, arguments) { RedirectStandardOutput = true };
        using Process journalctl = Process.Start(start)
            ?? throw new PodUnitsException("logs", "could not start journalctl");
        using PlainConsole.DescriptorStream stdout = PlainConsole.OpenStandardOutput();
        var pieces = new LinePieces();
        try
        {
            if (!await RelayAsync(journalctl.StandardOutput, stdout, format, pieces, cancellationToken, window))
            {
                journalctl.Kill();
                return 0;
            }
        }
        catch (OperationCanceledException)
        {
            journalctl.Kill();
            await WriteUnfinishedAsync(stdout, pieces, format);
            return 0;
        }
        // Without -f the output is the window's alone: its unfinished lines are among its N.
        await WriteUnfinishedAsync(stdout, pieces, format, window is not null && !arguments.Contains("--follow") ? window.UnfinishedLines : int.MaxValue);
        await journalctl.WaitForExitAsync(cancellationToken);
        return journalctl.ExitCode == 0 ? 0 : ExitCodes.RuntimeFailure;
    }

    /// <summary>Shows journalctl's entries until its output ends (true) or nobody reads
    /// <paramref name="stdout"/> any more (false): `podunits logs web | head -5` then ends
    /// at once, as journalctl and kubectl logs do, rather than reading and rendering the
    /// rest of a journal that may hold millions of the pod's lines for no reader.</summary>
    /// <param name="window">Given (`-n N`), the output starts with its entries, of which only the
    /// last lines are shown: the others are pieces of lines before them.</param>
    internal static async Task<bool> RelayAsync(TextReader journal, PlainConsole.DescriptorStream stdout, LineFormat format, LinePieces pieces,
        CancellationToken cancellationToken, LogWindow? window = null)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        int read = 0;
        List<byte[]>? held = window is null ? null : [];
        while (await journal.ReadLineAsync(cancellationToken) is { } json)
        {
            byte[]? line = Render(json, format, pieces);
            if (held is not null)
            {
                if (line is not null)
                {
                    held.Add(line);
                }
                if (++read < window!.Entries)
                {
                    continue;
                }
                if (!await WriteAllAsync(window.Last(held, pieces.Count)))
                {
                    return false;
                }
                held = null;
            }
            else if (line is not null && !await WriteAllAsync([line]))
            {
                return false;
            }
        }
        // Fewer entries than measured (the journal rotated meanwhile): what there is.
        return held is null || await WriteAllAsync(window!.Last(held, pieces.Count));

        async Task<bool> WriteAllAsync(IEnumerable<byte[]> lines)
        {
            foreach (byte[] line in lines)
            {
                await stdout.WriteAsync(line, cancellationToken);
                if (stdout.ReaderGone)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>One journal entry (journalctl's JSON) as an output line. MESSAGE is a string,
    /// or an array of bytes when it is not valid UTF-8: container output is bytes. With
    /// <see cref="LineFormat.Prefix"/> (every container's lines shown) a container's line
    /// starts with its container's name and PodUnits' own line with none, whatever the pod's
    /// shape; without it (one container's lines asked for) PodUnits' own entries are left
    /// out: null. The time, with <see cref="LineFormat.Timestamps"/>, follows the name, as
    /// kubectl logs --prefix --timestamps has it.</summary>
    /// <param name="pieces">Given, pieces of a container's line longer than a datagram holds
    /// (CONTAINER_PARTIAL_MESSAGE=true on all but the last) or than journald's LineMax= on the
    /// stream path (_LINE_BREAK=line-max on all but the last) are kept in it, by container,
    /// and shown with the last as the one line they were (at the first one's time), as
    /// podman's journald reader joins them.</param>
    internal static byte[]? Render(string json, LineFormat format, LinePieces? pieces = null)
    {
        using JsonDocument entry = JsonDocument.Parse(json);
        JsonElement root = entry.RootElement;
        bool container = IsContainerLine(root);
        if (!format.Prefix && !container)
        {
            return null;
        }
        byte[] message = root.TryGetProperty("MESSAGE", out JsonElement m) ? Bytes(m) : [];
        string head = (format.Prefix && container ? ContainerOf(root) + " | " : "")
            + (format.Timestamps ? Timestamp(root) + " " : "");
        if (container && pieces is not null)
        {
            string key = PieceKey(root)!;
            if (IsPartial(root))
            {
                pieces.Add(key, head, message);
                return null;
            }
            if (pieces.Take(key) is { } earlier)
            {
                (head, message) = (earlier.Head, [.. earlier.Bytes, .. message]);
            }
        }
        return Line(head, message, format);
    }

    /// <summary>Which of a container's lines a piece belongs to: by stream too (PRIORITY 6
    /// stdout, 3 stderr), as a stderr line written while a long stdout line is in pieces is
    /// not part of it (review of 2026-12-05); null for PodUnits' own entries.</summary>
    internal static string? PieceKey(JsonElement entry) =>
        IsContainerLine(entry) ? $"{ContainerOf(entry)}\n{Text(entry, "PRIORITY")}" : null;

    /// <summary>A piece of a line that goes on in the next entry of its stream. journald cuts a
    /// stream's line at LineMax= (48K) and marks the cut pieces _LINE_BREAK=line-max: a
    /// one-container pod's lines take the stream path, and its long line was shown as several
    /// where a pod of two showed one (logging review of 2026-12-07, finding 2). Its other
    /// marks (eof, nul, pid-change) end a line.</summary>
    internal static bool IsPartial(JsonElement entry) =>
        Text(entry, "CONTAINER_PARTIAL_MESSAGE") == "true" || Text(entry, "_LINE_BREAK") == "line-max";

    private static byte[] Line(string head, byte[] message, LineFormat format) =>
        [.. Encoding.UTF8.GetBytes(head), .. format.Escape ? EscapeControls(message) : message, (byte)'\n'];

    /// <summary>What a container wrote last without a newline (its output ended, or the
    /// journal has no more yet) is shown too.</summary>
    private static async Task WriteUnfinishedAsync(Stream stdout, LinePieces pieces, LineFormat format, int max = int.MaxValue)
    {
        foreach (byte[] line in Unfinished(pieces, format, max))
        {
            await stdout.WriteAsync(line);
        }
    }

    /// <summary>The lines still held in <paramref name="pieces"/>, as <see cref="Render"/> shows a
    /// line, in the order their last pieces came: the newest <paramref name="max"/> of them.</summary>
    internal static IEnumerable<byte[]> Unfinished(LinePieces pieces, LineFormat format, int max = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        List<(string Head, List<byte> Bytes)> all = pieces.TakeAll();
        return all.Skip(Math.Max(0, all.Count - max)).Select(p => Line(p.Head, [.. p.Bytes], format));
    }

    /// <summary>The pieces of each container stream's line not ended yet, by container and stream.</summary>
    internal sealed class LinePieces
    {
        private readonly Dictionary<string, (string Head, List<byte> Bytes)> _held = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _lastPiece = new(StringComparer.Ordinal); // when each line's last piece came
        private long _pieces;

        public void Add(string container, string head, byte[] piece)
        {
            if (!_held.TryGetValue(container, out var line))
            {
                _held[container] = line = (head, []);
            }
            line.Bytes.AddRange(piece);
            _lastPiece[container] = ++_pieces;
        }

        /// <summary>How many lines are held, not ended yet.</summary>
        public int Count => _held.Count;

        public (string Head, List<byte> Bytes)? Take(string container) =>
            _held.Remove(container, out var line) && _lastPiece.Remove(container) ? line : null;

        /// <summary>Every line held, the one whose last piece came first first.</summary>
        public List<(string Head, List<byte> Bytes)> TakeAll()
        {
            List<(string Head, List<byte> Bytes)> all = [.. _held.OrderBy(h => _lastPiece[h.Key]).Select(h => h.Value)];
            _held.Clear();
            _lastPiece.Clear();
            return all;
        }
    }

    /// <summary>The entry's time as RFC 3339 in UTC to the microsecond journald keeps:
    /// journalctl's JSON always carries __REALTIME_TIMESTAMP (µs since the epoch).</summary>
    private static string Timestamp(JsonElement entry) =>
        long.TryParse(Text(entry, "__REALTIME_TIMESTAMP"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long micros)
            ? DateTimeOffset.UnixEpoch.AddTicks(micros * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture)
            : "-";

    /// <summary>C0 controls but tab, DEL, and the C1 controls become \xNN text; everything
    /// else stays as it is. C1 either way it can come: UTF-8's C2 80..C2 9F (a terminal may
    /// take U+009B as CSI), or a byte 80..9F that is no part of a UTF-8 sequence, which a
    /// terminal in 8-bit mode (the Linux console under LANG=C) takes as CSI itself (terminal
    /// review of 2026-12-06, finding 2).</summary>
    internal static byte[] EscapeControls(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var escaped = new List<byte>(message.Length);
        for (int i = 0; i < message.Length; i++)
        {
            byte b = message[i];
            int length = Utf8SequenceAt(message, i);
            if (length == 2 && b == 0xC2 && message[i + 1] <= 0x9F)
            {
                escaped.AddRange(Encoding.ASCII.GetBytes($"\\xc2\\x{message[++i]:x2}"));
            }
            else if (length > 1)
            {
                escaped.AddRange(message.AsSpan(i, length).ToArray());
                i += length - 1;
            }
            else if ((b < 0x20 && b != (byte)'\t') || b == 0x7F || b is >= 0x80 and <= 0x9F)
            {
                escaped.AddRange(Encoding.ASCII.GetBytes($"\\x{b:x2}"));
            }
            else
            {
                escaped.Add(b);
            }
        }
        return [.. escaped];
    }

    /// <summary>The length of the UTF-8 sequence of two to four bytes starting at
    /// <paramref name="i"/>: a lead byte and its continuation bytes; 0 when there is none.</summary>
    private static int Utf8SequenceAt(byte[] text, int i)
    {
        int length = text[i] switch
        {
            >= 0xC2 and <= 0xDF => 2,
            >= 0xE0 and <= 0xEF => 3,
            >= 0xF0 and <= 0xF4 => 4,
            _ => 0,
        };
        if (length == 0 || i + length > text.Length)
        {
            return 0;
        }
        for (int k = 1; k < length; k++)
        {
            if (text[i + k] is < 0x80 or > 0xBF)
            {
                return 0;
            }
        }
        return length;
    }

    private static byte[] Bytes(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Encoding.UTF8.GetBytes(value.GetString()!),
        JsonValueKind.Array => value.EnumerateArray().Select(b => (byte)b.GetInt32()).ToArray(),
        _ => [],
    };
}
