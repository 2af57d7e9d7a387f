namespace PodUnits.Definitions.Parsing;

/// <summary>One ConfigMap or Secret looked up the way a pod's reference finds it (for the
/// CLI's `secret list`), outside any pod definition.</summary>
public static class ConfigObjectLookup
{
    public static ConfigObject? Find(ConfigObjectKind kind, string name, IReadOnlyList<string> roots, out IReadOnlyList<Diagnostic> problems)
    {
        var catalog = new ConfigObjectCatalog(roots, ConfigObjectCatalog.MaxObjectFileBytes(LoadOptions.Default.MaxFileBytes), EncryptedSecrets.Decrypt);
        ConfigObject? found = catalog.Find(kind, name, out _);
        problems = catalog.ForeignDiagnostics;
        return found;
    }
}
