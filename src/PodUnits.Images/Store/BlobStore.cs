using System.Security.Cryptography;
using PodUnits.Core.Errors;
using PodUnits.Core.Files;

namespace PodUnits.Images.Store;

/// <summary>
/// blobs/sha256/HEX: every manifest, config and layer by its digest. A blob is written to
/// a temp name in the same directory (".tmp-..."), fsynced, checked against its digest and
/// only then renamed into place, so a blob under its final name is always whole and right.
/// </summary>
internal sealed class BlobStore
{
    public BlobStore(string storeRoot)
    {
        Directory = storeRoot + "/blobs/sha256";
        PrivateDirectory.Create(storeRoot + "/blobs");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string digest) => Directory + "/" + Digests.Hex(digest);

    public bool Has(string digest) => File.Exists(PathOf(digest));

    public long SizeOf(string digest) => new FileInfo(PathOf(digest)).Length;

    /// <summary>Reads a small blob (manifest, config) and re-checks its digest.</summary>
    public byte[] ReadVerified(string digest)
    {
        string path = PathOf(digest);
        if (!File.Exists(path)) throw NotStored(digest);
        byte[] data = File.ReadAllBytes(path);
        if (Digests.Of(data) != digest) throw new PodUnitsException($"blob {digest}", $"content in {path} does not match its digest; remove it and fetch again");
        return data;
    }

    /// <summary>A blob a step needs is not (or no longer) stored: fetching the image again
    /// brings it back.</summary>
    public static PodUnitsException NotStored(string digest, Exception? inner = null) =>
        new($"blob {digest}", "is not in the image store (run 'podunits image fetch' again)", ExitCodes.RuntimeFailure, inner);

    /// <summary>ENOSPC or EDQUOT (IOException.HResult is the errno on Linux): the store's
    /// file system is full, which trying again does not mend.</summary>
    public static bool IsFull(IOException e) => e.HResult is DiskFull or QuotaExceeded;

    private const int DiskFull = 28, QuotaExceeded = 122;

    /// <summary>The one line for a blob the store has no room for.</summary>
    public static PodUnitsException CannotStore(string what, IOException e, string directory) =>
        new(what, $"cannot be stored: {e.Message} in {directory} ('podunits gc' removes unused images and layers)", ExitCodes.RuntimeFailure, e);

    public string NewTempPath(string digest) =>
        $"{Directory}/.tmp-{Digests.Hex(digest)}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    /// <summary>Moves a fully written, fsynced temp file into place if its content has the
    /// expected digest; otherwise deletes it and throws.</summary>
    public void Commit(string tempPath, string expected, string actual)
    {
        if (actual != expected)
        {
            File.Delete(tempPath);
            throw new PodUnitsException($"blob {expected}", $"content does not match its digest (got {actual}); refused");
        }
        File.Move(tempPath, PathOf(expected), overwrite: true);
        AtomicFile.SyncDirectory(Directory);
    }

    public string Add(ReadOnlySpan<byte> content, string? expected = null)
    {
        string digest = Digests.Of(content);
        if (expected is not null && expected != digest)
            throw new PodUnitsException($"blob {expected}", $"content does not match its digest (got {digest}); refused");
        if (!Has(digest)) AtomicFile.Write(PathOf(digest), content);
        return digest;
    }

    /// <summary>Copies a stream in as a blob, hashing on the way; returns its digest.</summary>
    /// <param name="size">The blob's size when the caller knows it (a file it was given):
    /// no more than one byte past it is read, and a longer source is the caller's bad input.
    /// A layout file another user keeps appending to would otherwise be copied until the
    /// disk is full, the store lock held all along, and only then fail its digest.</param>
    public async Task<string> AddAsync(Stream source, string? expected, long? size, CancellationToken cancellationToken)
    {
        if (expected is not null && Has(expected)) return expected;
        string temp = NewTempPath(expected ?? "sha256:" + new string('0', 64));
        string actual;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: false))
            {
                byte[] buffer = new byte[1 << 17];
                long left = size + 1 ?? long.MaxValue;
                int n;
                while ((n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken)) > 0)
                {
                    left -= n;
                    if (left == 0)
                        throw new BadInputException($"blob {expected ?? "of unknown digest"}", $"has more than the {size} bytes it was given; refused");
                    hash.AppendData(buffer, 0, n);
                    await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                }
                file.Flush(flushToDisk: true);
            }
            actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
        }
        catch (IOException e) when (IsFull(e))
        {
            // As a pull says it, not an internal error (images review of 2026-12-07, finding 6).
            File.Delete(temp);
            throw CannotStore($"blob {expected ?? "of unknown digest"}", e, Directory);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        Commit(temp, expected ?? actual, actual);
        return actual;
    }

    /// <summary>Adds a file as a blob. With <paramref name="move"/> (a temp file of ours on
    /// the same filesystem) it is renamed into place instead of copied.</summary>
    public async Task<string> AddFileAsync(string path, string? expected, bool move, CancellationToken cancellationToken)
    {
        if (!move)
        {
            await using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return await AddAsync(source, expected, null, cancellationToken);
        }
        string actual;
        await using (var source = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.SequentialScan))
        {
            actual = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(source, cancellationToken));
            source.Flush(flushToDisk: true);
        }
        if (expected is not null && actual != expected)
            throw new PodUnitsException($"blob {expected}", $"content does not match its digest (got {actual}); refused");
        if (Has(actual)) return actual;
        File.Move(path, PathOf(actual), overwrite: true);
        AtomicFile.SyncDirectory(Directory);
        return actual;
    }
}
