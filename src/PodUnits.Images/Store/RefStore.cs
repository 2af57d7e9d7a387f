using PodUnits.Core.Native;
using System.Text.Json;
using PodUnits.Core.Files;
using PodUnits.Images.Oci;

namespace PodUnits.Images.Store;

/// <summary>
/// refs.json: the image references people used (normalized, e.g.
/// "docker.io/library/busybox:1.36") mapped to the digest of the manifest they resolved to.
/// Replaced atomically under refs.lock, so concurrent pulls never lose each other's entries.
/// References are JSON keys only, never file names.
/// </summary>
internal sealed class RefStore(string storeRoot)
{
    /// <summary>The table's file name in the store root (its temporaries are ".tmp-NAME-...").</summary>
    public const string FileName = "refs.json";
    private readonly string _path = $"{storeRoot}/{FileName}";
    private readonly string _lock = storeRoot + "/refs.lock";

    public SortedDictionary<string, string> ReadAll()
    {
        if (!File.Exists(_path)) return new SortedDictionary<string, string>(StringComparer.Ordinal);
        RefTable? table = JsonSerializer.Deserialize(File.ReadAllBytes(_path), OciJsonContext.Default.RefTable);
        return table?.Refs ?? new SortedDictionary<string, string>(StringComparer.Ordinal);
    }

    public string? Get(string reference) => ReadAll().GetValueOrDefault(reference);

    public void Set(string reference, string manifestDigest) => Update(refs => refs[reference] = manifestDigest);

    public bool Remove(string reference)
    {
        bool removed = false;
        Update(refs => removed = refs.Remove(reference));
        return removed;
    }

    private void Update(Action<SortedDictionary<string, string>> change)
    {
        using FileLock _ = FileLock.Exclusive(_lock);
        SortedDictionary<string, string> refs = ReadAll();
        change(refs);
        var table = new RefTable { Refs = refs };
        AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(table, OciJsonContext.Default.RefTable));
    }
}
