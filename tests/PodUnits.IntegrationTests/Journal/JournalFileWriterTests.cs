using System.Text;
using PodUnits.Journal.Files;

namespace PodUnits.IntegrationTests.Journal;

/// <summary>
/// PodUnits' journal files read by systemd's own reader: `journalctl --verify` checks every
/// object, hash, chain and counter, and `-o export` must give back every entry with its
/// fields, filtered by any field as journald's files are.
/// </summary>
public sealed class JournalFileWriterTests : IDisposable
{
    private static readonly byte[] MachineId = Convert.FromHexString("0123456789abcdef0123456789abcdef");
    private static readonly byte[] BootId = Convert.FromHexString(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim().Replace("-", "", StringComparison.Ordinal));
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-journal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[][] Fields(string container) =>
        [.. new[] { "PRIORITY=6", $"SYSLOG_IDENTIFIER={container}", $"CONTAINER_NAME={container}", "_TRANSPORT=stdout" }.Select(Encoding.UTF8.GetBytes)];

    [Fact]
    public async Task JournalctlVerifiesAndReadsBackEveryEntry()
    {
        string path = Path.Combine(_dir, "system.journal");
        byte[][] main = Fields("main"), side = Fields("side");
        using (var writer = JournalFileWriter.Create(path, 2 * 1024 * 1024, MachineId, BootId, Guid.NewGuid().ToByteArray()))
        {
            ulong seqnum = 1, now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
            for (int i = 0; i < 3000; i++)
            {
                // Unique lines, a line that repeats, an empty one, binary bytes, both containers.
                string text = i % 10 == 3 ? "again" : i % 10 == 7 ? "" : $"line {i}";
                Assert.True(writer.Append(i % 3 == 0 ? side : main, Encoding.UTF8.GetBytes(text), seqnum++, now + (ulong)i, 1000 + (ulong)i));
            }
            Assert.True(writer.Append(main, [0xff, 0x00, 0x01, (byte)'\n', 0xfe], seqnum, now + 5000, 6000));
            writer.Close(archive: false);
        }

        var verify = PodUnits.IntegrationTests.Runtime.PodHarness.Run("journalctl", "--verify", "--file", path);
        Assert.True(verify.Code == 0, verify.Output);
        Assert.Contains($"PASS: {path}", verify.Output, StringComparison.Ordinal);

        List<ExportedEntry> all = Parse(await JournalExport.RunAsync("journalctl", ["--file", path, "-o", "export"]));
        Assert.Equal(3001, all.Count);
        Assert.Equal("line 0", all[0].Text("MESSAGE"));
        Assert.Equal("side", all[0].Text("CONTAINER_NAME"));
        Assert.Equal("", all[7].Text("MESSAGE"));
        Assert.Equal([0xff, 0x00, 0x01, (byte)'\n', 0xfe], all[3000].Bytes("MESSAGE"));

        // Every field is indexed: a match walks the DATA object's own entry chain.
        List<ExportedEntry> again = Parse(await JournalExport.RunAsync("journalctl", ["--file", path, "-o", "export", "MESSAGE=again"]));
        Assert.Equal(300, again.Count);
        List<ExportedEntry> sideOnly = Parse(await JournalExport.RunAsync("journalctl", ["--file", path, "-o", "export", "CONTAINER_NAME=side"]));
        Assert.Equal(1000, sideOnly.Count);
        Assert.All(sideOnly, e => Assert.Equal("side", e.Text("SYSLOG_IDENTIFIER")));
    }

    [Fact]
    public async Task FullFilesRotateAndTheOldestGoBeyondTheLimit()
    {
        const long FileSize = 512 * 1024, MaxUse = 4 * FileSize;
        // Two containers whose fields share payloads (PRIORITY=6, _TRANSPORT=stdout): each
        // file's end comes while their DATA objects' entry arrays grow.
        byte[][] main = Fields("main"), side = Fields("side");
        using (var journal = new JournalDirectory(_dir, MachineId, FileSize, MaxUse))
        {
            for (int i = 1; i <= 40000; i++)
            {
                journal.Append(i % 7 == 0 ? side : main, Encoding.UTF8.GetBytes($"rotating line {i}"));
            }
            Assert.InRange(journal.Files.Count, 3, 4);
        }
        string[] files = Directory.GetFiles(_dir);
        Assert.Contains(Path.Combine(_dir, "system.journal"), files);
        Assert.Contains(files, f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), "^system@[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{16}\\.journal$"));
        Assert.InRange(files.Sum(f => new FileInfo(f).Length), 1, MaxUse);

        var verify = PodUnits.IntegrationTests.Runtime.PodHarness.Run("journalctl", "--verify", "-D", _dir);
        Assert.True(verify.Code == 0, verify.Output);
        // The newest lines are all there, in order, across the files, the last one last.
        List<ExportedEntry> kept = Parse(await JournalExport.RunAsync("journalctl", ["-D", _dir, "-o", "export"]));
        Assert.Equal("rotating line 40000", kept[^1].Text("MESSAGE"));
        int first = int.Parse(kept[0].Text("MESSAGE")["rotating line ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Enumerable.Range(first, 40001 - first).Select(i => $"rotating line {i}"), kept.Select(e => e.Text("MESSAGE")));
        // Sequence numbers go on across files (the cursor's i=, hexadecimal).
        Assert.Equal(Enumerable.Range(first, 40001 - first).Select(i => i.ToString("x", System.Globalization.CultureInfo.InvariantCulture)),
            kept.Select(e => e.Text("__CURSOR").Split(';').Single(p => p.StartsWith("i=", StringComparison.Ordinal))[2..]));
    }

    [Fact]
    public async Task ContainersWritingAtOnceKeepTheirOrderAndTheFilesVerify()
    {
        // A forwarder thread per container stream, as in the executor: one lock, entries
        // stamped in sequence order (journalctl --verify rejects time going backwards).
        string[] names = ["a", "b", "c", "d"];
        using (var journal = new JournalDirectory(_dir, MachineId, 512 * 1024, 32 * 1024 * 1024))
        {
            Parallel.ForEach(names, name =>
            {
                byte[][] fields = Fields(name);
                for (int i = 0; i < 5000; i++)
                {
                    journal.Append(fields, Encoding.UTF8.GetBytes($"{name} {i}"));
                }
            });
        }
        var verify = PodUnits.IntegrationTests.Runtime.PodHarness.Run("journalctl", "--verify", "-D", _dir);
        Assert.True(verify.Code == 0, verify.Output);
        List<ExportedEntry> all = Parse(await JournalExport.RunAsync("journalctl", ["-D", _dir, "-o", "export"]));
        Assert.Equal(20000, all.Count);
        // In sequence order the clocks never go back.
        ulong[] monotonic = [.. all.Select(e => ulong.Parse(e.Text("__MONOTONIC_TIMESTAMP"), System.Globalization.CultureInfo.InvariantCulture))];
        Assert.All(Enumerable.Range(1, monotonic.Length - 1), i => Assert.True(monotonic[i] >= monotonic[i - 1], $"entry {i}: {monotonic[i]} after {monotonic[i - 1]}"));
        foreach (string name in names)
        {
            Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"{name} {i}"),
                all.Where(e => e.Text("CONTAINER_NAME") == name).Select(e => e.Text("MESSAGE")));
        }
    }

    [Fact]
    public async Task AnEarlierWritersFileIsArchivedOrSetAsideNeverWrittenTo()
    {
        byte[][] main = Fields("main");
        using (var clean = new JournalDirectory(_dir, MachineId, 512 * 1024, 4 * 1024 * 1024))
        {
            clean.Append(main, "from the clean run"u8);
        }
        var journal = new JournalDirectory(_dir, MachineId, 512 * 1024, 4 * 1024 * 1024);
        Assert.Single(Directory.GetFiles(_dir, "system@*.journal"));
        journal.Append(main, "from the crashed run"u8);
        // A crash: the file stays online (no clean close), as after a SIGKILL.
        journal.Abandon();
        using (var next = new JournalDirectory(_dir, MachineId, 512 * 1024, 4 * 1024 * 1024))
        {
            Assert.Single(Directory.GetFiles(_dir, "system@*.journal~"));
            next.Append(main, "from the next run"u8);
        }
        List<ExportedEntry> all = Parse(await JournalExport.RunAsync("journalctl", ["-D", _dir, "-o", "export"]));
        Assert.Equal(["from the clean run", "from the crashed run", "from the next run"], all.Select(e => e.Text("MESSAGE")));
    }

    /// <summary>Journal review of 2026-12-06, finding 2: a rotation whose rename fails (here
    /// the directory made immutable, which root cannot rename in either) fails that entry
    /// loudly, and once the directory can be written again the journal goes on: the full file
    /// archived, a new one active, every other entry there.</summary>
    [Fact]
    public async Task ARotationWhoseRenameFailedIsTriedAgainOnceItCanBe()
    {
        byte[][] main = Fields("main");
        int written = 0;
        using (var journal = new JournalDirectory(_dir, MachineId, 512 * 1024, 4 * 1024 * 1024))
        {
            journal.Append(main, "0"u8);
            written++;
            Chattr("+i");
            try
            {
                Exception? failed = null;
                while (failed is null && written < 100_000)
                {
                    try
                    {
                        journal.Append(main, Encoding.UTF8.GetBytes(written.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        written++;
                    }
                    catch (PodUnits.Core.Errors.PodUnitsException e)
                    {
                        failed = e;
                    }
                }
                Assert.NotNull(failed);
                Assert.Contains("cannot archive the full system.journal", failed.Message, StringComparison.Ordinal);
            }
            finally
            {
                Chattr("-i");
            }
            journal.Append(main, "after"u8);
        }
        Assert.Single(Directory.GetFiles(_dir, "system@*.journal"));
        List<ExportedEntry> all = Parse(await JournalExport.RunAsync("journalctl", ["-D", _dir, "-o", "export"]));
        Assert.Equal([.. Enumerable.Range(0, written).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "after"],
            all.Select(e => e.Text("MESSAGE")));
    }

    private void Chattr(string change)
    {
        var chattr = PodUnits.IntegrationTests.Runtime.PodHarness.Run("chattr", change, _dir);
        Assert.True(chattr.Code == 0, chattr.Output);
    }

    [Fact]
    public void AfterItIsClosedALineFailsLoudlyAndNoFileIsReopened()
    {
        var journal = new JournalDirectory(_dir, MachineId, 512 * 1024, 4 * 1024 * 1024);
        journal.Append(Fields("main"), "before"u8);
        journal.Dispose();
        // A forwarder still running after the executor closed the journal: its one warning
        // (LogTarget catches PodUnitsException), never a new system.journal left online.
        var e = Assert.Throws<PodUnits.Core.Errors.PodUnitsException>(() => journal.Append(Fields("main"), "after"u8));
        Assert.Contains("closed", e.Message, StringComparison.Ordinal);
        string header = PodUnits.IntegrationTests.Runtime.PodHarness.Run("journalctl", "--header", "--file", Path.Combine(_dir, "system.journal")).Output;
        Assert.Matches(@"State: OFFLINE", header);
    }

    private static List<ExportedEntry> Parse(byte[] export) => JournalExport.Parse(export);
}
