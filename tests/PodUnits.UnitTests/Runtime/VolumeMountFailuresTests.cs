using PodUnits.Core.Errors;
using PodUnits.Core.Files;
using PodUnits.Runtime.Container;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>Volumes review of 2026-12-07, finding 7: a volume mount that failed was said as
/// "move_mount /proc/self/fd/9: Not a directory", naming neither the mountPath nor the volume.</summary>
public sealed class VolumeMountFailuresTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("podunits-mounts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MountPlan Config(string? subPath = null, string target = "/etc/app", string volume = "config") =>
        new() { Source = "/run/podunits/host/etc/app.conf", Target = target, Volume = volume, SubPath = subPath };

    [Fact]
    public void ASystemCallsFailureNamesTheMountAndTheVolumeNotTheDescriptor()
    {
        var e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.Said(Config(),
            () => throw new NativeCallException("move_mount", 20, "/proc/self/fd/9")));
        Assert.Equal("volumeMounts /etc/app: volume config: move_mount failed: Not a directory (errno 20) (a file mounted onto a directory, or the reverse?)", e.Message);

        e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.Said(Config(),
            () => throw new PodUnitsException("/proc/self/fd/9", "cannot be an idmapped mount")));
        Assert.Equal("volumeMounts /etc/app: volume config: cannot be an idmapped mount", e.Message);

        e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.Said(Config(),
            () => throw new PodUnitsException("hostPath /etc/app.conf", "nothing is there")));
        Assert.Equal("volumeMounts /etc/app: volume config: hostPath /etc/app.conf: nothing is there", e.Message);

        // Already said by its mount: kept as it is.
        e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.Said(Config(),
            () => throw new PodUnitsException("volumeMounts /etc/app", "leads into /proc")));
        Assert.Equal("volumeMounts /etc/app: leads into /proc", e.Message);
    }

    [Fact]
    public void AFileOntoADirectoryOrTheReverseIsSaidSo()
    {
        Directory.CreateDirectory($"{_dir}/root/etc/app");
        File.WriteAllText($"{_dir}/root/etc/file", "");
        File.WriteAllText($"{_dir}/app.conf", "x");
        Directory.CreateDirectory($"{_dir}/data");
        using var root = new ContainerRoot($"{_dir}/root");

        var e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.RefuseKindMismatch(Config(), $"{_dir}/app.conf", root));
        Assert.Equal("volumeMounts /etc/app: volume config is a file, and /etc/app in the container is a directory: "
            + "only a directory can be mounted onto a directory (or where nothing is)", e.Message);

        MountPlan data = Config(target: "/etc/file", volume: "data");
        e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.RefuseKindMismatch(data, $"{_dir}/data", root));
        Assert.Equal("volumeMounts /etc/file: volume data is a directory, and /etc/file in the container is a file: "
            + "a directory can be mounted only onto a directory (or where nothing is)", e.Message);

        VolumeMountFailures.RefuseKindMismatch(Config(target: "/etc/new"), $"{_dir}/app.conf", root); // nothing there
        VolumeMountFailures.RefuseKindMismatch(Config(), $"{_dir}/data", root); // both directories
    }

    [Fact]
    public void ASubPathIsNeverQuoted()
    {
        const string secret = "s3cr3t-from-a-secret";
        string? why = VolumeMountFailures.KindMismatch(Config(secret), FileTypes.Regular, targetIsDirectory: true);
        Assert.Equal("the subPath entry of volume config is a file, and /etc/app in the container is a directory: "
            + "only a directory can be mounted onto a directory (or where nothing is)", why);

        File.WriteAllText($"{_dir}/app.conf", "x");
        var e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.RefuseSubPathOfAFile(Config(secret), $"{_dir}/app.conf"));
        Assert.Equal("volumeMounts /etc/app: volume config is a file: a subPath needs a volume that is a directory", e.Message);

        e = Assert.Throws<PodUnitsException>(() => VolumeMountFailures.Said(Config(secret),
            () => throw new NativeCallException("openat2", 2, $"{secret}/x")));
        Assert.DoesNotContain(secret, e.Message, StringComparison.Ordinal);
    }
}
