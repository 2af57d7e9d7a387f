using System.Buffers.Binary;
using PodUnits.Core.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace PodUnits.Journal.Files;

/// <summary>
/// Writes one journal file in systemd's on-disk format (docs/JOURNAL_FILE_FORMAT.md of
/// systemd; journal-def.h), the way journald does for one writer and many readers: the
/// file is allocated at its full size up front and mapped, new objects are written past
/// the tail and only then linked into the hash tables, entry arrays and header, so a
/// reader (journalctl, also while the file grows) never follows an offset to an unwritten
/// object. DATA and FIELD objects are found through the file's own hash tables (SipHash-2-4
/// keyed by the file ID), entries are indexed by every field, as journald indexes them, so
/// `journalctl -M POD CONTAINER_NAME=x` works. No compression and no sealing.
/// <para>
/// systemd offers no library call that writes journal files (sd-journal reads; writing
/// goes through a journald), and a pod's own journald costs every pod a process of about
/// 1.2 MB and 30 ms of CPU to start (docs/process-model.md, "The pod's journal"); this is
/// what replaces it. Not thread-safe: one caller at a time (JournalDirectory holds a lock).
/// </para>
/// </summary>
public sealed unsafe class JournalFileWriter : IDisposable
{
    // Header (journal-def.h's struct Header up to field_hash_chain_depth, systemd 246).
    internal const int HeaderSize = 256;
    private const int State = 16, FileId = 24, MachineIdAt = 40, TailBootId = 56, SeqnumIdAt = 72,
        HeaderSizeAt = 88, ArenaSize = 96, DataTableOffset = 104, DataTableSize = 112,
        FieldTableOffset = 120, FieldTableSize = 128, TailObject = 136, NObjects = 144, NEntries = 152,
        TailSeqnum = 160, HeadSeqnum = 168, EntryArrayOffset = 176, HeadRealtime = 184, TailRealtime = 192,
        TailMonotonic = 200, NData = 208, NFields = 216, NEntryArrays = 232, DataChainDepth = 240, FieldChainDepth = 248;
    private const byte StateOffline = 0, StateOnline = 1, StateArchived = 2;
    private const uint IncompatibleKeyedHash = 1 << 2;

    // Objects: a 16-byte header (type, flags, reserved, le64 size), then the type's fields.
    private const byte ObjectData = 1, ObjectField = 2, ObjectEntry = 3, ObjectDataHashTable = 4,
        ObjectFieldHashTable = 5, ObjectEntryArray = 6;
    private const int ObjectHeaderSize = 16;
    private const int DataPayload = 64, FieldPayload = 40, EntryItems = 64, ArrayItems = 24;
    private const int FieldBuckets = 333; // journald's DEFAULT_FIELD_HASH_TABLE_SIZE

    private readonly int _fd;
    private readonly byte* _map;
    private readonly long _size;
    private readonly byte[] _fileId = NewId();
    private readonly long _dataBuckets;
    private readonly long _dataTable, _fieldTable; // offsets of the tables' items
    private readonly Dictionary<byte[], DataRef> _fixed = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<long, DataRef> _linked = [];
    private readonly ArrayTail _main = new();
    private readonly List<DataRef> _items = [];
    private byte[] _scratch = new byte[256];
    private long _tail; // where the next object goes
    private long _lastObject;
    private bool _closed;

    private JournalFileWriter(string path, int fd, long size, ReadOnlySpan<byte> machineId, ReadOnlySpan<byte> bootId, ReadOnlySpan<byte> seqnumId)
    {
        Path = path;
        _fd = fd;
        _size = size;
        void* map = mmap(null, (size_t)(ulong)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == (void*)-1)
        {
            throw new Core.Errors.NativeCallException("mmap", errno, path);
        }
        _map = (byte*)map;
        // journald's sizing is for about 768 bytes per DATA object; PodUnits' entries are
        // smaller (few fields), so a bucket per 256 bytes. The table is not written out
        // as zeros (the allocated file reads as zeros), so its pages cost memory only as
        // they fill.
        _dataBuckets = Math.Max(2047, size / 256);
        "LPKSHHRH"u8.CopyTo(Span(0, 8));
        Write32(12, IncompatibleKeyedHash);
        _fileId.CopyTo(Span(FileId, 16));
        machineId.CopyTo(Span(MachineIdAt, 16));
        bootId.CopyTo(Span(TailBootId, 16));
        seqnumId.CopyTo(Span(SeqnumIdAt, 16));
        Write64(HeaderSizeAt, (ulong)HeaderSize);
        _tail = HeaderSize;
        _dataTable = AppendObject(ObjectDataHashTable, ObjectHeaderSize + _dataBuckets * 16) + ObjectHeaderSize;
        _fieldTable = AppendObject(ObjectFieldHashTable, ObjectHeaderSize + FieldBuckets * 16) + ObjectHeaderSize;
        Write64(DataTableOffset, (ulong)_dataTable);
        Write64(DataTableSize, (ulong)_dataBuckets * 16);
        Write64(FieldTableOffset, (ulong)_fieldTable);
        Write64(FieldTableSize, FieldBuckets * 16);
        SetState(StateOnline);
    }

    public string Path { get; }

    /// <summary>Entries written so far.</summary>
    public long EntryCount => (long)Read64(NEntries);

    /// <summary>Bytes in use (header and objects); the file itself is allocated at full size.</summary>
    public long UsedBytes => _tail;

    /// <summary>
    /// Creates <paramref name="path"/> (it must not exist) with <paramref name="size"/> bytes
    /// allocated on disk, so writing through the mapping can never meet a full disk (which
    /// would be SIGBUS); a full disk fails here instead, as an exception.
    /// </summary>
    public static JournalFileWriter Create(string path, long size, ReadOnlySpan<byte> machineId, ReadOnlySpan<byte> bootId, ReadOnlySpan<byte> seqnumId, uint group = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 512 * 1024);
        int fd = Check.Io(LibcExtra.open(path, LibcExtra.O_RDWR | LibcExtra.O_CREAT | LibcExtra.O_EXCL | LibcExtra.O_CLOEXEC | LibcExtra.O_NOFOLLOW, 0x1a0), "open", path); // 0640
        try
        {
            _ = fchown(fd, 0, group); // journald's files belong to systemd-journal, whose members may read them
            int error = posix_fallocate(fd, 0, size);
            if (error != 0)
            {
                throw new Core.Errors.NativeCallException("posix_fallocate", error, path);
            }
            return new JournalFileWriter(path, fd, size, machineId, bootId, seqnumId);
        }
        catch
        {
            _ = close(fd);
            File.Delete(path);
            throw;
        }
    }

    /// <summary>
    /// Appends one entry: the <paramref name="fields"/> (whole "NAME=value" payloads, kept by
    /// the caller and passed again as the same arrays, so their DATA objects are found without
    /// hashing) and MESSAGE=<paramref name="message"/>. Returns false, writing nothing, when
    /// the entry does not fit or the data hash table is three quarters full: the caller
    /// starts a new file.
    /// </summary>
    public bool Append(ReadOnlySpan<byte[]> fields, ReadOnlySpan<byte> message, ulong seqnum, ulong realtime, ulong monotonic)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        if ((long)Read64(NData) * 4 >= _dataBuckets * 3)
        {
            return false;
        }
        // The MESSAGE payload, contiguous for hashing and comparing.
        int length = 8 + message.Length;
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }
        "MESSAGE="u8.CopyTo(_scratch);
        message.CopyTo(_scratch.AsSpan(8));
        ReadOnlySpan<byte> messagePayload = _scratch.AsSpan(0, length);
        ulong messageHash = JournalHashes.SipHash24(_fileId, messagePayload);
        long existing = FindData(messagePayload, messageHash);

        // A fixed field not yet known by this array: found in the file (another array with
        // the same payload put it there) or still to be written.
        foreach (byte[] field in fields)
        {
            if (!_fixed.ContainsKey(field))
            {
                long offset = FindData(field, JournalHashes.SipHash24(_fileId, field));
                if (offset != 0)
                {
                    _fixed[field] = Linked(offset);
                }
            }
        }

        // What this entry needs, before anything is written: new objects and grown arrays.
        long need = Align(EntryItems + 16L * (fields.Length + 1));
        need += existing == 0 ? Align(DataPayload + length) + FieldCost("MESSAGE"u8) : ArrayGrowth(Linked(existing));
        foreach (byte[] field in fields)
        {
            need += _fixed.TryGetValue(field, out DataRef? known) ? ArrayGrowth(known) : Align(DataPayload + field.Length) + FieldCost(Name(field));
        }
        need += _main.Used == _main.Capacity ? Align(ArrayItems + 8L * NextCapacity(_main.Capacity)) : 0;
        if (_tail + need > _size)
        {
            return false;
        }

        _items.Clear();
        _items.Add(existing != 0 ? Linked(existing) : NewData(messagePayload, messageHash));
        foreach (byte[] field in fields)
        {
            if (!_fixed.TryGetValue(field, out DataRef? data))
            {
                data = NewData(field, JournalHashes.SipHash24(_fileId, field));
                _fixed[field] = data;
                _linked[data.Offset] = data; // one DataRef per object, whichever array finds it
            }
            _items.Add(data);
        }
        // Ordered by offset, each DATA object once (journald does the same: entry_item_cmp,
        // remove_duplicate_entry_items), so an entry is linked into each chain once.
        _items.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        for (int i = _items.Count - 1; i > 0; i--)
        {
            if (_items[i].Offset == _items[i - 1].Offset)
            {
                _items.RemoveAt(i);
            }
        }

        ulong xor = 0;
        long entry = AppendObject(ObjectEntry, EntryItems + 16L * _items.Count);
        Write64(entry + 16, seqnum);
        Write64(entry + 24, realtime);
        Write64(entry + 32, monotonic);
        Span(TailBootId, 16).CopyTo(Span(entry + 40, 16));
        for (int i = 0; i < _items.Count; i++)
        {
            DataRef data = _items[i];
            Write64(entry + EntryItems + 16L * i, (ulong)data.Offset);
            Write64(entry + EntryItems + 16L * i + 8, data.Hash);
            xor ^= data.Jenkins;
        }
        Write64(entry + 56, xor);

        // Linked up only now that the entry is whole.
        Thread.MemoryBarrier();
        foreach (DataRef data in _items)
        {
            LinkToData(data, entry);
        }
        Link(_main, EntryArrayOffset, entry);
        if (Read64(HeadSeqnum) == 0)
        {
            Write64(HeadSeqnum, seqnum);
            Write64(HeadRealtime, realtime);
        }
        Write64(TailSeqnum, seqnum);
        Write64(TailRealtime, realtime);
        Write64(TailMonotonic, monotonic);
        Write64(NEntries, Read64(NEntries) + 1);
        return true;
    }

    /// <summary>Wakes readers that follow the file (journalctl -f): writes through a mapping
    /// raise no inotify event, truncating to the same size does (as journald does after writing).</summary>
    public void NotifyReaders() => _ = ftruncate(_fd, _size);

    /// <summary>Marks the file offline (closed cleanly) or archived (rotated; it is then
    /// renamed by the caller), synced before and after as the format asks.</summary>
    public void Close(bool archive)
    {
        if (_closed)
        {
            return;
        }
        _ = fdatasync(_fd);
        SetState(archive ? StateArchived : StateOffline);
        _ = fdatasync(_fd);
        Dispose();
    }

    public void Dispose()
    {
        if (_closed)
        {
            return;
        }
        _closed = true;
        _ = munmap(_map, (size_t)(ulong)_size);
        _ = close(_fd);
    }

    /// <summary>A random 128-bit ID from the kernel (the file ID keys the hash tables, so it
    /// must not be guessable by a container that writes lines). Read from /dev/urandom, not
    /// with RandomNumberGenerator, which on Linux loads OpenSSL into the executor (about 1 MB
    /// of its memory for two IDs per file).</summary>
    internal static byte[] NewId()
    {
        byte[] id = new byte[16];
        using var random = new FileStream("/dev/urandom", FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        random.ReadExactly(id);
        return id;
    }

    /// <summary>The fields in this file's header that name an archived file (journald's
    /// "system@SEQNUMID-HEADSEQNUM-HEADREALTIME.journal").</summary>
    public string ArchivedName(string prefix) =>
        $"{prefix}@{Convert.ToHexStringLower(Span(SeqnumIdAt, 16))}-{Read64(HeadSeqnum):x16}-{Read64(HeadRealtime):x16}.journal";

    /// <summary>A DATA object this writer links entries to: a container's fixed field (kept
    /// for the file's life) or a MESSAGE seen again (kept once found); a MESSAGE seen once
    /// is not kept, so the writer's memory does not grow with the lines.</summary>
    private sealed class DataRef
    {
        public long Offset;
        public ulong Hash;
        public ulong Jenkins; // its part of an entry's xor_hash
        public ArrayTail Tail = new();
    }

    /// <summary>The last entry array of a chain: where it is, how many items it holds.</summary>
    private sealed class ArrayTail
    {
        public long Offset;
        public long Capacity;
        public long Used;
    }

    private DataRef NewData(ReadOnlySpan<byte> payload, ulong hash)
    {
        long offset = AppendObject(ObjectData, DataPayload + payload.Length);
        Write64(offset + 16, hash);
        payload.CopyTo(Span(offset + DataPayload, payload.Length));
        Thread.MemoryBarrier();
        // Into the data hash table (at the chain's tail) and the field's list of values.
        long bucket = _dataTable + (long)(hash % (ulong)_dataBuckets) * 16;
        long tail = (long)Read64(bucket + 8);
        if (tail == 0)
        {
            Write64(bucket, (ulong)offset);
        }
        else
        {
            Write64(tail + 24, (ulong)offset); // the old tail's next_hash_offset
        }
        Write64(bucket + 8, (ulong)offset);
        long field = FindOrAddField(Name(payload));
        Write64(offset + 32, Read64(field + 32)); // next_field_offset = the field's old head
        Write64(field + 32, (ulong)offset);
        Write64(NData, Read64(NData) + 1);
        return new DataRef { Offset = offset, Hash = hash, Jenkins = JournalHashes.Jenkins64(payload) };
    }

    /// <summary>A DATA object with this payload, or 0; walks the hash chain.</summary>
    private long FindData(ReadOnlySpan<byte> payload, ulong hash)
    {
        long bucket = _dataTable + (long)(hash % (ulong)_dataBuckets) * 16;
        long depth = 0;
        for (long p = (long)Read64(bucket); p != 0; p = (long)Read64(p + 24), depth++)
        {
            if (Read64(p + 16) == hash && (long)Read64(p + 8) - DataPayload == payload.Length &&
                Span(p + DataPayload, payload.Length).SequenceEqual(payload))
            {
                return p;
            }
        }
        if (depth > (long)Read64(DataChainDepth))
        {
            Write64(DataChainDepth, (ulong)depth);
        }
        return 0;
    }

    private long FindOrAddField(ReadOnlySpan<byte> name)
    {
        ulong hash = JournalHashes.SipHash24(_fileId, name);
        long bucket = _fieldTable + (long)(hash % FieldBuckets) * 16;
        long depth = 0;
        for (long p = (long)Read64(bucket); p != 0; p = (long)Read64(p + 24), depth++)
        {
            if (Read64(p + 16) == hash && (long)Read64(p + 8) - FieldPayload == name.Length &&
                Span(p + FieldPayload, name.Length).SequenceEqual(name))
            {
                return p;
            }
        }
        long offset = AppendObject(ObjectField, FieldPayload + name.Length);
        Write64(offset + 16, hash);
        name.CopyTo(Span(offset + FieldPayload, name.Length));
        Thread.MemoryBarrier();
        long tail = (long)Read64(bucket + 8);
        if (tail == 0)
        {
            Write64(bucket, (ulong)offset);
        }
        else
        {
            Write64(tail + 24, (ulong)offset);
        }
        Write64(bucket + 8, (ulong)offset);
        Write64(NFields, Read64(NFields) + 1);
        if (depth > (long)Read64(FieldChainDepth))
        {
            Write64(FieldChainDepth, (ulong)depth);
        }
        return offset;
    }

    /// <summary>What a FIELD object for the name takes; counted whether or not the file has
    /// one already, so an entry's measure is an upper bound.</summary>
    private static long FieldCost(ReadOnlySpan<byte> name) => Align(FieldPayload + name.Length);

    private static ReadOnlySpan<byte> Name(ReadOnlySpan<byte> payload)
    {
        int equals = payload.IndexOf((byte)'=');
        return equals < 0 ? payload : payload[..equals];
    }

    /// <summary>The DATA object at <paramref name="offset"/> with its entry chain's tail,
    /// found once by walking the chain (a MESSAGE that repeats, or a field first seen with
    /// another writer's arrays).</summary>
    private DataRef Linked(long offset)
    {
        if (_linked.TryGetValue(offset, out DataRef? known))
        {
            return known;
        }
        var data = new DataRef
        {
            Offset = offset, Hash = Read64(offset + 16),
            Jenkins = JournalHashes.Jenkins64(Span(offset + DataPayload, (int)((long)Read64(offset + 8) - DataPayload))),
        };
        for (long a = (long)Read64(offset + 48); a != 0; a = (long)Read64(a + 16))
        {
            data.Tail.Offset = a;
            data.Tail.Capacity = ((long)Read64(a + 8) - ArrayItems) / 8;
        }
        long inArrays = Math.Max(0, (long)Read64(offset + 56) - 1);
        for (long a = (long)Read64(offset + 48); a != 0 && a != data.Tail.Offset; a = (long)Read64(a + 16))
        {
            inArrays -= ((long)Read64(a + 8) - ArrayItems) / 8;
        }
        data.Tail.Used = data.Tail.Offset == 0 ? 0 : inArrays;
        _linked[offset] = data;
        return data;
    }

    /// <summary>Space a new entry array for <paramref name="data"/> would take now, else 0.</summary>
    private static long ArrayGrowth(DataRef data) =>
        data.Tail.Used == data.Tail.Capacity ? Align(ArrayItems + 8L * NextCapacity(data.Tail.Capacity)) : 0;

    /// <summary>Entry arrays double, starting at 4 (JOURNAL_FILE_FORMAT: "they should increase in size").</summary>
    private static long NextCapacity(long capacity) => Math.Max(4, capacity * 2);

    private void LinkToData(DataRef data, long entry)
    {
        long n = (long)Read64(data.Offset + 56);
        if (n == 0)
        {
            Write64(data.Offset + 40, (ulong)entry); // entry_offset: the first entry inline
        }
        else
        {
            Link(data.Tail, data.Offset + 48, entry); // entry_array_offset: the others
        }
        Write64(data.Offset + 56, (ulong)(n + 1));
    }

    /// <summary>Appends <paramref name="entry"/> to the chain whose head is stored at
    /// <paramref name="headAt"/>, adding a (twice as large) array when the last one is full.</summary>
    private void Link(ArrayTail tail, long headAt, long entry)
    {
        if (tail.Used == tail.Capacity)
        {
            long capacity = NextCapacity(tail.Capacity);
            long array = AppendObject(ObjectEntryArray, ArrayItems + 8 * capacity);
            Write64(array + ArrayItems, (ulong)entry);
            Thread.MemoryBarrier();
            Write64(tail.Offset == 0 ? headAt : tail.Offset + 16, (ulong)array);
            Write64(NEntryArrays, Read64(NEntryArrays) + 1);
            tail.Offset = array;
            tail.Capacity = capacity;
            tail.Used = 1;
            return;
        }
        Write64(tail.Offset + ArrayItems + 8 * tail.Used, (ulong)entry);
        tail.Used++;
    }

    /// <summary>Reserves an object of <paramref name="size"/> bytes at the tail (the file
    /// reads as zeros there) and accounts for it in the header; returns its offset.</summary>
    private long AppendObject(byte type, long size)
    {
        long offset = _tail;
        if (offset + Align(size) > _size)
        {
            // Append measures what an entry needs before it writes: this is a bug, not a full file.
            throw new InvalidOperationException($"{Path}: an object of {size} bytes at {offset} would pass the end of the file");
        }
        _map[offset] = type;
        Write64(offset + 8, (ulong)size);
        _tail = offset + Align(size);
        _lastObject = offset;
        Write64(TailObject, (ulong)_lastObject);
        Write64(NObjects, Read64(NObjects) + 1);
        Write64(ArenaSize, (ulong)(_tail - HeaderSize));
        return offset;
    }

    private void SetState(byte state)
    {
        _map[State] = state;
    }

    private static long Align(long size) => (size + 7) & ~7L;

    private Span<byte> Span(long offset, int length) => new(_map + offset, length);

    private ulong Read64(long offset) => BinaryPrimitives.ReadUInt64LittleEndian(Span(offset, 8));

    private void Write64(long offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Span(offset, 8), value);

    private void Write32(long offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Span(offset, 4), value);
}
