using PodUnits.Core.Errors;
using PodUnits.Runtime.Executor;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Packaging review of 2026-12-07, finding 3: a podunits-stage1 renamed into place
/// (as dpkg and rpm upgrade it) while stage 0 was pulling images was exec'd with the old
/// version's plan. Stage 0 now knows the file it found, and a replaced one fails the start.</summary>
public sealed class Stage1BinaryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-stage1-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFileRenamedOverTheFoundOneFailsTheHandOff()
    {
        string path = Path.Join(_dir, Stage1.FileName);
        File.WriteAllText(path, "old");
        Stage1Binary found = Stage1Binary.At(path);
        found.EnsureUnchanged(path); // the same file: nothing to say
        File.WriteAllText(path + ".dpkg-new", "new");
        File.Move(path + ".dpkg-new", path, overwrite: true);
        PodUnitsException e = Assert.Throws<PodUnitsException>(() => found.EnsureUnchanged(path));
        Assert.Equal(ExitCodes.RuntimeFailure, e.ExitCode); // not 2: Restart= may run the new version
        Assert.Contains("was replaced", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsSaidInOneLine() =>
        Assert.Contains("cannot be read", Assert.Throws<PodUnitsException>(() => Stage1Binary.At(Path.Join(_dir, "none"))).Message, StringComparison.Ordinal);
}
