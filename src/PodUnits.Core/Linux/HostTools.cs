namespace PodUnits.Core.Linux;

/// <summary>
/// Host programs PodUnits runs, by absolute path, never by bare name: .NET's Process.Start
/// looks for a bare name in the current directory before it searches PATH, and PodUnits
/// runs as root from whatever directory its caller is in (a `journalctl` left in /tmp must
/// not run when root types `podunits logs` there). The paths are where Debian and Fedora
/// put them (/sbin is /usr/sbin on both). gpgv and systemd-creds have theirs where they
/// are used (GpgvVerifier, EncryptedSecrets).
/// </summary>
public static class HostTools
{
    public const string Journalctl = "/usr/bin/journalctl";
    public const string AppArmorParser = "/sbin/apparmor_parser";
}
