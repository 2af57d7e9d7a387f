namespace PodUnits.UnitTests.Images;

/// <summary>A temp dir with a layer root and a canary dir next to it whose contents must
/// never change: everything hostile tests try aims at the canary.</summary>
internal sealed class ScratchDir : IDisposable
{
    public ScratchDir()
    {
        Path = Directory.CreateTempSubdirectory("podunits-test-").FullName;
        Root = Path + "/root";
        Canary = Path + "/canary";
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Canary);
        File.WriteAllText(Canary + "/secret", "original");
    }

    public string Path { get; }
    public string Root { get; }
    public string Canary { get; }

    /// <summary>A listing of the canary (names, sizes, contents) to compare before and after.</summary>
    public string Snapshot() => string.Join("\n", Directory.EnumerateFileSystemEntries(Canary, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => p + "=" + (File.Exists(p) ? File.ReadAllText(p) : "<dir>")));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
