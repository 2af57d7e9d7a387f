namespace PodUnits.UnitTests.Network;

/// <summary>A directory under /tmp removed with everything in it when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("podunits-net-test-").FullName;
    }

    public string Path { get; }

    /// <summary>A subdirectory, created.</summary>
    public string Dir(string name) => Directory.CreateDirectory(System.IO.Path.Join(Path, name)).FullName;

    /// <summary>Writes <paramref name="text"/> to <paramref name="relative"/> (parents created); returns its path.</summary>
    public string Write(string relative, string text)
    {
        string path = System.IO.Path.Join(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
