namespace PodUnits.IntegrationTests.Images;

/// <summary>/etc/podunits/registries.yaml listing a test registry as insecure (it speaks
/// plain HTTP on loopback), for executors under systemd, which read the system's file; the
/// previous content comes back on dispose.</summary>
internal sealed class InsecureRegistryConfig : IDisposable
{
    public const string Path = "/etc/podunits/registries.yaml";
    private readonly string? _saved;

    public InsecureRegistryConfig(string host)
    {
        _saved = File.Exists(Path) ? File.ReadAllText(Path) : null;
        File.WriteAllText(Path, $"insecure: [\"{host}\"]\n");
    }

    public void Dispose()
    {
        if (_saved is null) File.Delete(Path);
        else File.WriteAllText(Path, _saved);
    }
}
