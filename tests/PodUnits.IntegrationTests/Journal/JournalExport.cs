using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace PodUnits.IntegrationTests.Journal;

/// <summary>One entry read back from the journal: every field with its exact bytes.</summary>
internal sealed class ExportedEntry
{
    public Dictionary<string, List<byte[]>> Fields { get; } = new(StringComparer.Ordinal);

    public byte[] Bytes(string name) => Assert.Single(Values(name));

    public string Text(string name) => Encoding.UTF8.GetString(Bytes(name));

    public IReadOnlyList<byte[]> Values(string name) =>
        Fields.TryGetValue(name, out List<byte[]>? values) ? values : [];
}

/// <summary>
/// Reads entries with <c>journalctl -o export</c>: the journal export format carries every
/// field byte for byte (the same text/binary encoding as the native protocol), unlike
/// <c>-o json</c>, which turns non-UTF-8 values into number arrays and hides big ones.
/// journald ingests asynchronously, so reads poll until the expected count is reached or a
/// deadline passes; the caller then asserts on what arrived.
/// </summary>
internal static class JournalExport
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    public static async Task<List<ExportedEntry>> WaitForAsync(string match, int expected, params string[] moreMatches)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            List<ExportedEntry> entries = await ReadAsync([match, .. moreMatches]);
            if (entries.Count >= expected || clock.Elapsed > s_deadline)
            {
                return entries;
            }
            await Task.Delay(200);
        }
    }

    public static async Task<List<ExportedEntry>> ReadAsync(IEnumerable<string> matches)
    {
        byte[] output = await RunAsync("journalctl", ["--no-pager", "-o", "export", .. matches]);
        return Parse(output);
    }

    public static async Task<byte[]> RunAsync(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        using var buffer = new MemoryStream();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.BaseStream.CopyToAsync(buffer);
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await errors}");
        return buffer.ToArray();
    }

    internal static List<ExportedEntry> Parse(ReadOnlySpan<byte> data)
    {
        var entries = new List<ExportedEntry>();
        var entry = new ExportedEntry();
        while (!data.IsEmpty)
        {
            if (data[0] == (byte)'\n') // a blank line ends an entry
            {
                entries.Add(entry);
                entry = new ExportedEntry();
                data = data[1..];
                continue;
            }
            int end = data.IndexOf((byte)'\n');
            int equals = data[..end].IndexOf((byte)'=');
            string name;
            byte[] value;
            if (equals >= 0)
            {
                name = Encoding.ASCII.GetString(data[..equals]);
                value = data[(equals + 1)..end].ToArray();
                data = data[(end + 1)..];
            }
            else
            {
                name = Encoding.ASCII.GetString(data[..end]);
                int length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(data[(end + 1)..]));
                int start = end + 1 + sizeof(ulong);
                value = data.Slice(start, length).ToArray();
                data = data[(start + length + 1)..];
            }
            if (!entry.Fields.TryGetValue(name, out List<byte[]>? values))
            {
                entry.Fields[name] = values = [];
            }
            values.Add(value);
        }
        if (entry.Fields.Count > 0)
        {
            entries.Add(entry);
        }
        return entries;
    }
}
