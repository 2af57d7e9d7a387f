using System.Buffers.Binary;
using System.Globalization;

namespace PodUnits.Journal.Files;

/// <summary>
/// A journal directory with one writer, kept as journald keeps /var/log/journal/MACHINE_ID:
/// the active file is system.journal; a full file is archived under journald's name for
/// it (system@SEQNUMID-HEADSEQNUM-HEADREALTIME.journal) and a new one started, with
/// sequence numbers continuing; the oldest files are deleted while the directory holds more
/// than the retention limit. A system.journal left by an earlier writer is never written
/// to: archived if it was closed cleanly, else set aside as journald sets aside a dirty file
/// (system@...journal~, which readers still read). Thread-safe.
/// </summary>
public sealed class JournalDirectory : IDisposable
{
    private const string Active = "system.journal";
    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly byte[] _machineId;
    private readonly byte[] _bootId;
    private readonly byte[] _seqnumId = JournalFileWriter.NewId();
    private readonly long _fileSize;
    private readonly long _maxUse;
    private readonly uint _group;
    private JournalFileWriter? _writer;
    private ulong _seqnum;
    private bool _disposed;
    private Task _archiving = Task.CompletedTask;

    /// <param name="machineId">The machine the entries belong to (16 bytes: the pod's ID).</param>
    /// <param name="fileSize">Each file's size, allocated when it is created.</param>
    /// <param name="maxUse">How much all the directory's journal files may take together.</param>
    public JournalDirectory(string directory, ReadOnlySpan<byte> machineId, long fileSize, long maxUse)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUse, 2 * fileSize);
        _directory = directory;
        _machineId = machineId.ToArray();
        _bootId = ReadBootId();
        _fileSize = fileSize;
        _maxUse = maxUse;
        _group = JournalGroup();
        Directory.CreateDirectory(directory);
        SetAsideLeftover();
    }

    /// <summary>The boot the entries are stamped with, as journald's _BOOT_ID (32 hex digits).</summary>
    public string BootId => Convert.ToHexStringLower(_bootId);

    /// <summary>The files now in the directory (active first), for tests and status.</summary>
    public IReadOnlyList<string> Files
    {
        get
        {
            lock (_lock)
            {
                return [.. JournalFiles().OrderByDescending(f => f.Name == Active).ThenBy(f => f.LastWriteTimeUtc).Select(f => f.FullName)];
            }
        }
    }

    /// <summary>Appends an entry (see <see cref="JournalFileWriter.Append"/>), stamped now;
    /// starts a new file when the current one is full.</summary>
    public void Append(ReadOnlySpan<byte[]> fields, ReadOnlySpan<byte> message)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                throw new Core.Errors.PodUnitsException(_directory, "the journal is closed");
            }
            // Stamped under the lock: entries of several containers' threads go in with
            // their times in the order of their sequence numbers, as readers expect.
            ulong realtime = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
            ulong monotonic = (ulong)(System.Diagnostics.Stopwatch.GetTimestamp() / (System.Diagnostics.Stopwatch.Frequency / 1_000_000));
            _writer ??= Open();
            if (!_writer.Append(fields, message, _seqnum + 1, realtime, monotonic))
            {
                Rotate();
                _writer = Open();
                if (!_writer.Append(fields, message, _seqnum + 1, realtime, monotonic))
                {
                    throw new InvalidOperationException($"a journal entry of {message.Length} bytes does not fit in a file of {_fileSize}");
                }
            }
            _seqnum++;
        }
    }

    /// <summary>Closed for good (<see cref="Dispose"/>): writes fail and always will.</summary>
    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _disposed;
            }
        }
    }

    /// <summary>Wakes readers following the journal (after a batch of entries).</summary>
    public void NotifyReaders()
    {
        lock (_lock)
        {
            _writer?.NotifyReaders();
        }
    }

    /// <summary>Closes the active file cleanly (state offline): the next writer archives it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _writer?.Close(archive: false);
            _writer = null;
            _archiving.Wait(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>For tests: what a SIGKILL leaves, the active file unmapped but still online.</summary>
    internal void Abandon()
    {
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private JournalFileWriter Open()
    {
        Vacuum(_maxUse - _fileSize);
        return JournalFileWriter.Create(Path.Combine(_directory, Active), _fileSize, _machineId, _bootId, _seqnumId, _group);
    }

    private void Rotate()
    {
        if (_writer is null)
        {
            return;
        }
        // Renamed now, synced and marked archived in the background (as journald offlines a
        // rotated file on a thread of its own): the two fdatasyncs would otherwise hold up the
        // container's output for as long as the disk takes.
        // The writer is let go only once its file has its archived name: a rename that failed
        // (a full disk, a file system remounted read-only) once dropped it with system.journal
        // left in place, and every later try to open a new one met that file (O_EXCL), so the
        // pod's journal stayed dead after the disk had room again (journal review of
        // 2026-12-06, finding 2). Kept, the full writer makes the next entry try again.
        JournalFileWriter full = _writer;
        string active = Path.Combine(_directory, Active);
        try
        {
            File.Move(active, Path.Combine(_directory, full.ArchivedName("system")));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said as a PodUnitsException: the log targets catch these and IOExceptions, and
            // EPERM (an immutable directory) is neither.
            throw new Core.Errors.PodUnitsException(_directory, $"cannot archive the full {Active}: {Core.Errors.IoErrors.Describe(e, active)}",
                Core.Errors.ExitCodes.RuntimeFailure, e);
        }
        _writer = null;
        Task before = _archiving;
        _archiving = Task.Run(async () =>
        {
            await before.ConfigureAwait(false);
            full.Close(archive: true);
        });
    }

    /// <summary>Deletes the oldest files until the rest take at most <paramref name="budget"/> bytes.</summary>
    private void Vacuum(long budget)
    {
        List<FileInfo> files = [.. JournalFiles().Where(f => f.Name != Active).OrderBy(LastEntryTime)];
        long total = files.Sum(f => f.Length);
        foreach (FileInfo file in files)
        {
            if (total <= budget)
            {
                break;
            }
            total -= file.Length;
            file.Delete();
        }
    }

    /// <summary>When a file's last entry was written (its header's tail_entry_realtime):
    /// writes through a mapping do not reliably update a file's mtime.</summary>
    private static ulong LastEntryTime(FileInfo file)
    {
        Span<byte> header = stackalloc byte[200];
        try
        {
            using var stream = file.OpenRead();
            if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header[..8].SequenceEqual("LPKSHHRH"u8))
            {
                return BinaryPrimitives.ReadUInt64LittleEndian(header[192..]);
            }
        }
        catch (IOException)
        {
            // unreadable: by its mtime
        }
        return (ulong)(file.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks / 10;
    }

    private IEnumerable<FileInfo> JournalFiles() =>
        new DirectoryInfo(_directory).EnumerateFiles("*.journal*")
            .Where(f => f.Name.EndsWith(".journal", StringComparison.Ordinal) || f.Name.EndsWith(".journal~", StringComparison.Ordinal));

    /// <summary>An earlier writer's system.journal: archived under its own name when it was
    /// closed (offline), else renamed as journald renames a file it finds dirty.</summary>
    private void SetAsideLeftover()
    {
        string path = Path.Combine(_directory, Active);
        if (!File.Exists(path))
        {
            return;
        }
        byte[] header = new byte[JournalFileWriter.HeaderSize];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            int read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read == header.Length && header.AsSpan(0, 8).SequenceEqual("LPKSHHRH"u8) && header[16] == 0)
            {
                file.Position = 16;
                file.WriteByte(2); // archived
                file.Flush(flushToDisk: true);
                string name = string.Create(CultureInfo.InvariantCulture,
                    $"system@{Convert.ToHexStringLower(header.AsSpan(72, 16))}-{BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(168)):x16}-{BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(184)):x16}.journal");
                file.Close();
                File.Move(path, Path.Combine(_directory, name));
                return;
            }
        }
        ulong now = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10;
        File.Move(path, Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"system@{now:x16}-{Random.Shared.NextInt64():x16}.journal~")));
    }

    private static byte[] ReadBootId() =>
        Convert.FromHexString(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim().Replace("-", "", StringComparison.Ordinal));

    /// <summary>The systemd-journal group (journald's files belong to it), or root's.</summary>
    private static uint JournalGroup()
    {
        try
        {
            foreach (string line in File.ReadLines("/etc/group"))
            {
                string[] parts = line.Split(':');
                if (parts.Length > 2 && parts[0] == "systemd-journal" && uint.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
                {
                    return gid;
                }
            }
        }
        catch (IOException)
        {
            // no group file: root's group
        }
        return 0;
    }
}
