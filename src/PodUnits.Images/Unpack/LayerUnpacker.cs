using System.Formats.Tar;
using System.Text;
using PodUnits.Core.Errors;
using PodUnits.Core.Native;
using Tmds.Linux;

namespace PodUnits.Images.Unpack;

/// <summary>What unpacking one layer produced. <paramref name="SkippedDevices"/> counts the
/// device nodes (and hardlinks to them) the layer held and that were not created.</summary>
public sealed record UnpackResult(string DiffId, long UncompressedBytes, IReadOnlyList<string> Notes, int SkippedDevices = 0);

/// <summary>
/// Unpacks one layer (a tar, gzip- or zstd-compressed or not) into an empty directory that
/// becomes an overlayfs lower layer. The rules (see SafePaths for the path ones):
/// - names are cleaned; one that climbs out of the root, a parent that is a symlink, a
///   hardlink whose target is outside or missing: the layer is refused;
/// - symlink entries are created as they are (they may point anywhere; nothing is written
///   through them, and overlayfs resolves them inside the container's root);
/// - whiteouts are converted to overlayfs form because each layer is its own lower dir:
///   <c>.wh.NAME</c> becomes a 0/0 character device NAME, <c>.wh..wh..opq</c> sets
///   trusted.overlay.opaque=y on its directory (both need root, as overlay mounts do).
///   Where mknod of 0/0 is not permitted (systemd-nspawn containers refuse it) the whiteout
///   is an "xattr whiteout" instead (Linux 6.7+): an empty file with
///   trusted.overlay.whiteout=y in a directory marked trusted.overlay.opaque=x;
/// - device nodes in a layer (character or block, 0/0 included) are never created, as
///   root or not: they are skipped, counted in <see cref="UnpackResult.SkippedDevices"/>
///   and named in a note the caller reports. A layer's /dev/sda would otherwise give a
///   container that can open it the host's disk. The only character devices in a layer
///   directory are the 0/0 whiteouts this class makes itself from <c>.wh.</c> entries. This
///   is defence in depth: containers' root filesystems are also mounted nodev, and the
///   runtime gives containers the /dev nodes they may use;
/// - FIFOs are kept: a FIFO is a rendezvous between processes that can both open it and
///   reaches nothing of the kernel or the host; some images ship one (e.g. /dev/initctl);
/// - owner, mode (setuid included), mtime and PAX SCHILY.xattr.* kept; xattrs in the
///   trusted.overlay. namespace are refused, so a layer cannot forge overlay metadata;
/// - free space is checked before each file; running out fails cleanly (ENOSPC too).
/// <see cref="ForArchive"/> makes the stricter variant for image archives (import).
/// The caller owns the directory and removes it when this throws.
/// </summary>
public sealed class LayerUnpacker
{
    private const long Reserve = 16L << 20;
    private const int NamedSkips = 3;
    /// <summary>NAME_MAX of Linux file systems: the longest name of one path component, in bytes.</summary>
    private const int NameMax = 255;
    private const uint RootUid = 0;
    /// <summary>makedev(0, 0): what mknod(2) gets for a FIFO, and overlayfs' whiteout device.</summary>
    private const ulong DeviceZero = 0;
    /// <summary>The trusted.overlay.opaque values read back ("y", "x") fit with room to spare.</summary>
    private const int XattrValueMax = 16;
    private const long NanosecondsPerMillisecond = TimeSpan.TicksPerMillisecond * TimeSpan.NanosecondsPerTick;
    private readonly Func<string, long> _freeBytes;
    private readonly bool _isRoot;

    public LayerUnpacker() : this(DefaultFreeBytes, LibC.geteuid() == RootUid) { }

    /// <summary>For tests: a free-space probe and the privilege level to assume.</summary>
    internal LayerUnpacker(Func<string, long> freeBytes, bool isRoot)
    {
        _freeBytes = freeBytes;
        _isRoot = isRoot;
    }

    /// <summary>
    /// For the outer tar of <c>podunits image import</c> (an OCI or docker-save archive): its
    /// members may only be regular files, directories, and symlinks or hardlinks that stay
    /// inside the archive (<see cref="ArchiveMembers"/>); anything else refuses the archive
    /// with <see cref="LayerRejectedException"/> naming the member. Names are taken as they
    /// are (no whiteouts), and owners, modes and xattrs of the archive are not applied:
    /// files become 0644 and directories 0755, owned by the importer, as blobs are.
    /// </summary>
    public static LayerUnpacker ForArchive() => new(DefaultFreeBytes, isRoot: false) { IsArchive = true };

    /// <summary>For tests: write xattr whiteouts even where mknod would work.</summary>
    internal bool ForceXattrWhiteouts { get; init; }

    private bool IsArchive { get; init; }

    public UnpackResult Unpack(Stream blob, string root, CancellationToken cancellationToken = default)
    {
        var state = new UnpackState(root, _freeBytes(root));
        using HashingStream tarStream = LayerStreams.OpenTar(blob);
        // Under the reader: refuses oversized metadata headers and keeps PAX values as bytes
        // (images review of 2026-12-07, findings 1 and 2).
        using var guard = new TarHeaderGuard(tarStream);
        using var reader = new TarReader(guard, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes
                or TarEntryType.LongLink or TarEntryType.LongPath)
                continue;
            string? relative = SafePaths.Clean(entry.Name);
            if (relative is null) throw SafePaths.Refuse(entry.Name, "it climbs out of the layer root with '..'");
            // A component over NAME_MAX failed in lstat or open with the store's temp path, or
            // as an internal error: it is the layer's own (images review of 2026-12-07, finding 6).
            if (relative.Split('/').Any(part => Encoding.UTF8.GetByteCount(part) > NameMax))
                throw SafePaths.Refuse(entry.Name, $"its name is longer than the file system allows ({NameMax} bytes a component)");
            if (IsArchive) ArchiveMembers.Check(entry, relative);
            if (relative.Length == 0)
            {
                // The root itself ("./"): keep its metadata, nothing to create.
                if (entry.EntryType == TarEntryType.Directory) state.Directories.Add(("", entry.ModificationTime));
                continue;
            }
            (string parent, string name) = SafePaths.Split(relative);
            SafePaths.EnsureDirectories(root, parent, entry.Name, create: true);
            string parentPath = parent.Length == 0 ? root : root + "/" + parent;
            if (!IsArchive && name.StartsWith(".wh.", StringComparison.Ordinal))
            {
                ApplyWhiteout(entry.Name, parentPath, name);
                continue;
            }
            string path = parentPath + "/" + name;
            if (!Create(state, entry, relative, path, cancellationToken)) continue;
            if (IsArchive) ApplyArchiveModes(path, entry.EntryType);
            else ApplyMetadata(path, entry, guard.EntryRecords);
        }
        // Directory times last: creating their children changed them. Each is looked up again
        // without following symlinks: a later entry may have replaced it, or a parent of it,
        // with a link out of the layer (utimensat's AT_SYMLINK_NOFOLLOW guards the last
        // component only), as containerd resolves each deferred directory inside the root.
        for (int i = state.Directories.Count - 1; i >= 0; i--)
        {
            (string relativeDir, DateTimeOffset mtime) = state.Directories[i];
            if (relativeDir.Length == 0) SetTimes(root, mtime);
            else if (SafePaths.IsRealDirectory(root, relativeDir)) SetTimes(root + "/" + relativeDir, mtime);
        }
        if (state.SkippedDevices.Count > 0) state.Notes.Add(DevicesNote(state.SkippedDevices));
        string diffId = tarStream.FinishDigest();
        return new UnpackResult(diffId, tarStream.BytesRead, state.Notes, state.SkippedDevices.Count);
    }

    /// <summary>What one unpack has collected so far.</summary>
    private sealed class UnpackState(string root, long free)
    {
        public string Root { get; } = root;
        public long Free { get; set; } = free;
        public List<string> Notes { get; } = [];
        /// <summary>Directory entries by their path relative to the root ("" for the root).</summary>
        public List<(string Relative, DateTimeOffset MTime)> Directories { get; } = [];
        public List<string> SkippedDevices { get; } = [];
        /// <summary>The same paths, for the hard links' lookup: a List.Contains per link made
        /// 150,000 links to skipped devices minutes of CPU under the store lock (images
        /// review of 2026-12-07, finding 8). The list keeps the note's order.</summary>
        public HashSet<string> SkippedDeviceSet { get; } = new(StringComparer.Ordinal);

        public void SkipDevice(string relative)
        {
            SkippedDevices.Add(relative);
            SkippedDeviceSet.Add(relative);
        }
    }

    /// <summary>Creates the entry at <paramref name="path"/>; false when nothing was created
    /// (so no metadata to apply).</summary>
    private bool Create(UnpackState state, TarEntry entry, string relative, string path, CancellationToken cancellationToken)
    {
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (SafePaths.TypeOf(path) != LibC.S_IFDIR)
                {
                    SafePaths.Remove(path);
                    SafePaths.MakeDirectory(path, LibcExtra.Mode0700);
                }
                state.Directories.Add((relative, entry.ModificationTime));
                return true;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                state.Free = EnsureSpace(state.Root, entry.Length, state.Free, entry.Name);
                SafePaths.Remove(path);
                WriteFile(path, entry, cancellationToken);
                state.Free -= entry.Length;
                return true;
            case TarEntryType.SymbolicLink:
                SafePaths.Remove(path);
                MakeSymlink(entry.LinkName, path);
                return true;
            case TarEntryType.HardLink:
                // A link to a device node that was skipped is a device node too.
                if (state.SkippedDeviceSet.Contains(SafePaths.Clean(entry.LinkName) ?? "")) state.SkipDevice(relative);
                else MakeHardLink(state.Root, path, entry);
                return false; // shares the target's inode and metadata
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice:
                SafePaths.Remove(path); // still replaces an earlier entry, as tar does
                state.SkipDevice(relative);
                return false;
            case TarEntryType.Fifo:
                SafePaths.Remove(path);
                Check.Io(MakeNode(path, LibC.S_IFIFO | LibcExtra.Mode0600), "mknod", path);
                return true;
            default:
                state.Notes.Add($"skipped {Core.Text.OneLine.Of(relative)}: tar entry type {entry.EntryType} is not supported");
                return false;
        }
    }

    private static string DevicesNote(List<string> skipped) =>
        $"skipped {skipped.Count} device node{(skipped.Count == 1 ? "" : "s")} ({string.Join(", ", skipped.Take(NamedSkips).Select(Core.Text.OneLine.Of))}"
        + $"{(skipped.Count > NamedSkips ? ", ..." : "")}): layers may not create devices";

    /// <summary>Files from this size on are checked against the file system's own count, not
    /// the unpack's estimate: up to four layers unpack at once, each estimating from its own
    /// start, and running pods write beside them; the reserve is theirs.</summary>
    private const long LookAgainFrom = 1L << 20;

    private long EnsureSpace(string root, long needed, long free, string entryName)
    {
        if (needed < LookAgainFrom && needed + Reserve <= free) return free;
        free = _freeBytes(root); // a large file, or the estimate ran out: others write here too
        if (needed + Reserve <= free) return free;
        throw new PodUnitsException($"unpacking into {root}",
            $"not enough free space for '{Core.Text.OneLine.Of(entryName)}' ({needed} bytes; {Math.Max(0, free)} bytes free, {Reserve} kept in reserve)");
    }

    private static void WriteFile(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            // CreateNew is O_CREAT|O_EXCL: it never opens an existing file or follows a symlink.
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            if (entry.DataStream is not null && entry.Length > 0)
            {
                file.SetLength(entry.Length);
                cancellationToken.ThrowIfCancellationRequested();
                entry.DataStream.CopyTo(file, 1 << 17);
            }
        }
        catch (IOException e) when (e.HResult == LibC.ENOSPC || e.Message.Contains("No space left", StringComparison.Ordinal))
        {
            throw new PodUnitsException($"writing {path}", "no space left on device", ExitCodes.RuntimeFailure, e);
        }
    }

    private static unsafe void MakeSymlink(string target, string path)
    {
        using var t = new CString(target);
        using var p = new CString(path);
        Check.Io(LibC.symlink(t, p), "symlink", path);
    }

    /// <summary>mknod(2) of a device-less node (a FIFO, or a 0/0 whiteout); the raw result.</summary>
    private static unsafe int MakeNode(string path, mode_t mode)
    {
        using var p = new CString(path);
        return LibC.mknod(p, mode, DeviceZero);
    }

    private static void MakeHardLink(string root, string path, TarEntry entry)
    {
        string? target = SafePaths.Clean(entry.LinkName);
        if (target is null || target.Length == 0)
            throw SafePaths.Refuse(entry.Name, $"hardlink target '{entry.LinkName}' is outside the layer");
        (string targetParent, _) = SafePaths.Split(target);
        SafePaths.EnsureDirectories(root, targetParent, entry.Name, create: false);
        string targetPath = root + "/" + target;
        mode_t type = SafePaths.TypeOf(targetPath);
        if (type == SafePaths.Absent) throw SafePaths.Refuse(entry.Name, $"hardlink target '{entry.LinkName}' is not in the layer");
        if (type == LibC.S_IFDIR) throw SafePaths.Refuse(entry.Name, $"hardlink target '{entry.LinkName}' is a directory");
        if (targetPath == path) return;
        SafePaths.Remove(path);
        Link(targetPath, path);
    }

    /// <summary>link(2) does not follow a symlink given as the old path on Linux: a link to a
    /// symlink is a second symlink, never a link to what it points at.</summary>
    private static unsafe void Link(string targetPath, string path)
    {
        using var t = new CString(targetPath);
        using var p = new CString(path);
        Check.Io(LibC.link(t, p), "link", path);
    }

    private void ApplyWhiteout(string entryName, string parentPath, string name)
    {
        if (name == ".wh..wh..opq")
        {
            SetXattr(parentPath, "trusted.overlay.opaque", "y"u8);
            return;
        }
        string hidden = name[".wh.".Length..];
        if (hidden.Length == 0 || hidden == "." || hidden == "..")
            throw SafePaths.Refuse(entryName, "whiteout names nothing");
        string path = parentPath + "/" + hidden;
        SafePaths.Remove(path);
        // overlayfs' whiteout: a character device with device number 0/0 (Documentation/filesystems/overlayfs.rst).
        if (!ForceXattrWhiteouts)
        {
            int result = MakeNode(path, LibC.S_IFCHR);
            if (result == 0) return;
            if (LibC.errno != LibC.EPERM) Check.Io(result, "mknod", path);
        }
        using (new FileStream(path, FileMode.CreateNew, FileAccess.Write)) { }
        SetXattr(path, "trusted.overlay.whiteout", "y"u8);
        // "x" marks a directory holding xattr whiteouts; a fully opaque one ("y") stays so.
        if (GetXattr(parentPath, "trusted.overlay.opaque") != "y") SetXattr(parentPath, "trusted.overlay.opaque", "x"u8);
    }

    private static unsafe string? GetXattr(string path, string name)
    {
        byte* buffer = stackalloc byte[XattrValueMax];
        nint n = LibcExtra.lgetxattr(path, name, buffer, XattrValueMax);
        if (n == -1 && LibC.errno == LibC.ENODATA) return null;
        Check.Io(n, "lgetxattr " + name, path);
        return Encoding.UTF8.GetString(buffer, (int)n);
    }

    /// <summary>Archive members get the modes blobs have, never the archive's own.</summary>
    private static void ApplyArchiveModes(string path, TarEntryType type)
    {
        if (type == TarEntryType.SymbolicLink) return;
        ChangeMode(path, type == TarEntryType.Directory ? LibcExtra.Mode0755 : LibcExtra.Mode0644);
    }

    /// <param name="rawRecords">The entry's PAX records as bytes (<see cref="TarHeaderGuard.EntryRecords"/>).</param>
    private void ApplyMetadata(string path, TarEntry entry, IReadOnlyDictionary<string, byte[]>? rawRecords)
    {
        bool isLink = entry.EntryType == TarEntryType.SymbolicLink;
        if (_isRoot) ChangeOwner(path, entry.Uid, entry.Gid);
        // chmod after chown: chown clears setuid/setgid. Symlinks have no mode of their own.
        if (!isLink) ChangeMode(path, (ushort)((uint)entry.Mode & LibcExtra.ALLPERMS));
        if (entry is PaxTarEntry pax)
        {
            foreach (string key in pax.ExtendedAttributes.Keys)
            {
                if (!key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal)) continue;
                string attribute = key["SCHILY.xattr.".Length..];
                if (attribute.StartsWith("trusted.overlay.", StringComparison.Ordinal))
                    throw SafePaths.Refuse(entry.Name, $"it carries the overlayfs attribute {attribute}");
                if (!_isRoot && !attribute.StartsWith("user.", StringComparison.Ordinal)) continue;
                // The value as the layer has it: System.Formats.Tar decodes it as UTF-8, which
                // turned a binary one (cap_setuid=ep on newuidmap) into U+FFFD, and it was
                // dropped without a word (images review of 2026-12-07, finding 2). The guard
                // read the same header, so a value it lacks is a bug of ours: refused, not dropped.
                byte[] value = rawRecords?.GetValueOrDefault(key)
                    ?? throw SafePaths.Refuse(entry.Name, $"its attribute {attribute} could not be read as bytes");
                try
                {
                    SetXattr(path, attribute, value);
                }
                catch (NativeCallException e) when (XattrRefusal(e.Errno) is not null)
                {
                    // The value or the name is what the kernel refuses (a malformed
                    // security.capability, a namespace it does not know): the layer's fault,
                    // said with its entry, not the store's temp path and an errno (tour F).
                    throw SafePaths.Refuse(entry.Name, $"its attribute {attribute} cannot be set: {XattrRefusal(e.Errno)}");
                }
            }
        }
        if (entry.EntryType != TarEntryType.Directory)
            SetTimes(path, entry.ModificationTime);
    }

    /// <summary>What an errno of lsetxattr says about the layer; null for a failure of the
    /// store itself (no space, I/O), which stays the store's error.</summary>
    private static string? XattrRefusal(int errno) =>
        errno == LibC.EINVAL ? "the kernel finds its value malformed"
        : errno == LibC.ERANGE || errno == LibC.E2BIG ? "its value is too long"
        : errno == LibC.EOPNOTSUPP ? "the store's filesystem does not support it"
        : errno == LibC.EPERM ? "the kernel does not allow it"
        : null;

    private static unsafe void SetXattr(string path, string name, ReadOnlySpan<byte> value)
    {
        fixed (byte* p = value)
        {
            Check.Io(LibcExtra.lsetxattr(path, name, p, (nuint)value.Length, 0), "lsetxattr " + name, path);
        }
    }

    private static unsafe void ChangeMode(string path, mode_t mode)
    {
        using var p = new CString(path);
        Check.Io(LibC.chmod(p, mode), "chmod", path);
    }

    /// <summary>lchown(2): the owner of <paramref name="path"/> itself, never a symlink's target.</summary>
    private static void ChangeOwner(string path, int uid, int gid) =>
        Check.Io(LibcExtra.lchown(path, unchecked((uint)uid), unchecked((uint)gid)), "lchown", path);

    /// <summary>utimensat(2) with AT_SYMLINK_NOFOLLOW: atime and mtime of <paramref name="path"/>
    /// itself, never a symlink's target, to the millisecond.</summary>
    private static unsafe void SetTimes(string path, DateTimeOffset mtime)
    {
        long seconds = Math.DivRem(mtime.ToUnixTimeMilliseconds(), TimeSpan.MillisecondsPerSecond, out long milliseconds);
        if (milliseconds < 0)
        {
            seconds--;
            milliseconds += TimeSpan.MillisecondsPerSecond;
        }
        timespec* times = stackalloc timespec[2];
        times[0].tv_sec = times[1].tv_sec = seconds;
        times[0].tv_nsec = times[1].tv_nsec = (long_t)(milliseconds * NanosecondsPerMillisecond);
        using var p = new CString(path);
        Check.Io(LibC.utimensat(LibC.AT_FDCWD, p, times, LibC.AT_SYMLINK_NOFOLLOW), "utimensat", path);
    }

    /// <summary>statvfs(2): the bytes an unprivileged writer may still use on the filesystem
    /// of <paramref name="path"/>.</summary>
    private static unsafe long DefaultFreeBytes(string path)
    {
        using var p = new CString(path);
        statvfs status;
        Check.Io(LibC.statvfs(p, &status), "statvfs", path);
        return (long)((ulong)status.f_bavail * (ulong)status.f_frsize);
    }
}
