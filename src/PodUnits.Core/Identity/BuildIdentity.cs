using PodUnits.Core.Errors;

namespace PodUnits.Core.Identity;

/// <summary>
/// Which build this executable is: <see cref="Id"/>, compiled in (PodUnits.Core.csproj, from
/// Directory.Build.props' PodUnitsBuildId; packaging/build-release.sh gives both executables
/// one digest of the sources). Whatever starts podunits-stage1 for a hand-off (stage 0's
/// exec, `run -it`'s spawn, `enter`'s and an exec probe's container-exec) passes its own
/// <see cref="Id"/> in <see cref="Variable"/>, and stage 1 compares it with its own first
/// thing. Stage 0's check of the file's (device, inode) sees only a replacement during the
/// start: a pod restarted while a package manager has renamed the new /usr/bin/podunits into
/// place and not yet the new podunits-stage1 ran one version's stage 0 with the other's
/// stage 1 (upgrade review of 2026-12-07, finding 3).
/// </summary>
public static partial class BuildIdentity
{
    public const string Variable = "PODUNITS_BUILD";

    /// <summary>"PODUNITS_BUILD=ID", for a child's environment.</summary>
    public static string Assignment => $"{Variable}={Id}";

    /// <summary>Throws, status 1, when <paramref name="handedOver"/> (the starter's
    /// <see cref="Variable"/>; null when it passed none, as a podunits from before this check
    /// does) is not this build: status 1, not 2, so that Restart= starts the pod again once the
    /// upgrade has written both files.</summary>
    public static void EnsureSameAs(string? handedOver)
    {
        if (!string.Equals(handedOver, Id, StringComparison.Ordinal))
        {
            throw new PodUnitsException("podunits-stage1",
                $"is another build ({Id}) than the podunits that started it ({Describe(handedOver)}): an upgrade in progress? Starting again runs matching files");
        }
    }

    // The variable is the caller's: only a printable, short form of it goes into the one line.
    private static string Describe(string? handedOver) =>
        handedOver is null ? "no build named, an older version"
        : handedOver.Length is > 0 and <= 64 && handedOver.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '_' or '-') ? handedOver
        : "an unreadable build";
}
