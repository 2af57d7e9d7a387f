using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>GeneratedSettings: whether systemd has the generator's settings for a pod's
/// current definition, judged by its drop-in in the generator's directory.</summary>
public sealed class GeneratedSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("generated-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Definition(DateTime written)
    {
        string path = Path.Combine(_dir, "web.yaml");
        File.WriteAllText(path, "kind: Pod\n");
        File.SetLastWriteTimeUtc(path, written);
        return path;
    }

    private void DropIn(DateTime written)
    {
        string dir = Path.Combine(_dir, "pod@web.service.d");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, DropInRenderer.FileName);
        File.WriteAllText(path, "[Service]\n");
        File.SetLastWriteTimeUtc(path, written);
    }

    [Fact]
    public void ADefinitionTheGeneratorHasNotSeenHasNoSettings()
    {
        string definition = Definition(DateTime.UtcNow);
        Assert.StartsWith($"systemd has no settings of the generator for {definition} ", GeneratedSettings.Staleness("web", definition, _dir), StringComparison.Ordinal);
    }

    [Fact]
    public void ADefinitionWrittenAfterItsDropInIsStaleAndOneBeforeItIsNot()
    {
        var reload = new DateTime(2026, 12, 4, 8, 0, 0, DateTimeKind.Utc);
        DropIn(reload);
        Assert.Null(GeneratedSettings.Staleness("web", Definition(reload.AddMinutes(-1)), _dir));
        string edited = Definition(reload.AddMinutes(1));
        Assert.StartsWith($"{edited} changed after the last daemon-reload", GeneratedSettings.Staleness("web", edited, _dir), StringComparison.Ordinal);
    }
}
