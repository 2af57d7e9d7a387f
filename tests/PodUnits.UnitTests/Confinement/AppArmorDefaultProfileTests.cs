using PodUnits.Core.Errors;
using PodUnits.Runtime.Confinement.Lsm;

namespace PodUnits.UnitTests.Confinement;

/// <summary>Review of 2026-12-05: a profile named podunits-default already loaded was trusted
/// by its name, so an upgrade's tightened text (or an administrator's relaxed profile of that
/// name) never took effect until a reboot. Only the text this boot loaded is trusted.</summary>
public sealed class AppArmorDefaultProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-apparmor-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AProfileOfThatNameIsTrustedOnlyWhenThisBootLoadedItsText()
    {
        File.WriteAllText($"{_dir}/{AppArmorDefaultProfile.Name}", AppArmorDefaultProfile.Text);
        AppArmorDefaultProfile.EnsureLoaded(_ => true, _dir); // loaded, this text: nothing to run

        File.WriteAllText($"{_dir}/{AppArmorDefaultProfile.Name}", "profile podunits-default { capability, }");
        // Another text under that name: apparmor_parser runs (and, where it is missing or the
        // kernel has no AppArmor, fails), leaving no file that would make the next start trust it.
        var e = Assert.Throws<PodUnitsException>(() => AppArmorDefaultProfile.EnsureLoaded(_ => true, _dir));
        Assert.Contains("apparmor_parser", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists($"{_dir}/{AppArmorDefaultProfile.Name}"));
    }

    /// <summary>Confinement review of 2026-12-07, finding 5: starts that write the profile at
    /// once never leave it empty or half written for another's apparmor_parser, and leave no
    /// temporary files.</summary>
    [Fact]
    public async Task ConcurrentWritesNeverShowAnIncompleteProfile()
    {
        string path = $"{_dir}/{AppArmorDefaultProfile.Name}";
        AppArmorDefaultProfile.WriteProfile(_dir);
        Task[] writers = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 300; i++)
            {
                AppArmorDefaultProfile.WriteProfile(_dir);
            }
        }))];
        var seen = new List<string>();
        while (!writers.All(w => w.IsCompleted))
        {
            seen.Add(File.ReadAllText(path));
        }
        await Task.WhenAll(writers);
        Assert.All(seen, text => Assert.Equal(AppArmorDefaultProfile.Text, text));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }
}
