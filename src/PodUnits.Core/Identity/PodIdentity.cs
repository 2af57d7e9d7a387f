using System.Text;

namespace PodUnits.Core.Identity;

/// <summary>
/// The IDs a pod and its containers carry (machined's machine ID, POD_ID, CONTAINER_ID and
/// CONTAINER_ID_FULL in the journal), derived rather than stored, so the generator (which
/// runs before /var may be writable and writes nothing but units) can name them in the
/// unit's LogExtraFields= exactly as the executor will use them.
/// </summary>
public static class PodIdentity
{
    public const string HostMachineIdFile = "/etc/machine-id";

    /// <summary>
    /// The pod's 128-bit ID as 32 hex digits: HMAC-SHA256 keyed with the host's machine ID
    /// over the pod's name, shaped as a v4 UUID. That is how sd_id128_get_machine_app_specific(3)
    /// derives per-application IDs: stable on this host across restarts and reboots,
    /// different on every other host, and not revealing the host's own ID.
    /// </summary>
    public static string PodId(string hostMachineId, string podName)
    {
        ArgumentNullException.ThrowIfNull(podName);
        byte[] key = Convert.FromHexString(CheckHex32(hostMachineId));
        byte[] hash = Sha256.HmacHashData(key, Encoding.UTF8.GetBytes($"podunits-pod:{podName}"));
        Span<byte> id = hash.AsSpan(0, 16);
        id[6] = (byte)((id[6] & 0x0F) | 0x40);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        return Convert.ToHexStringLower(id);
    }

    /// <summary>CONTAINER_ID_FULL: 64 hex digits, stable for a pod and container name, as
    /// podman's journald fields carry them; CONTAINER_ID is its first 12.</summary>
    public static string ContainerIdFull(string podId, string container) =>
        Convert.ToHexStringLower(Sha256.HashData(Encoding.UTF8.GetBytes($"{podId}/{container}")));

    /// <summary>
    /// The journal fields docs/design.md puts on every line of a container, beyond MESSAGE,
    /// PRIORITY and SYSLOG_IDENTIFIER. The executor sends them with each line, or leaves them
    /// to the unit's LogExtraFields= when that carries them all (then journald's stream
    /// protocol can be used); the generator writes them there for one-container pods.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ContainerFields(string podName, string podId, string container) =>
        ContainerFields(podName, podId, container, ContainerIdFull(podId, container));

    /// <summary>The same with the container's CONTAINER_ID_FULL already known.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ContainerFields(string podName, string podId, string container, string full)
    {
        ArgumentNullException.ThrowIfNull(full);
        return
        [
            new(PodJournalFields.ContainerName, container), new(PodJournalFields.ContainerId, full[..12]), new(PodJournalFields.ContainerIdFull, full),
            new(PodJournalFields.PodName, podName), new(PodJournalFields.PodId, podId),
        ];
    }

    /// <summary>The host's machine ID, or null when /etc/machine-id is missing, empty or
    /// "uninitialized" (first boot): then no ID can be derived.</summary>
    public static string? ReadHostMachineId(string path = HostMachineIdFile)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return IsHex32(text) ? text.ToLowerInvariant() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string CheckHex32(string? text) =>
        IsHex32(text) ? text! : throw new ArgumentException($"'{text}' is not a machine ID (32 hex digits)", nameof(text));

    private static bool IsHex32(string? text) => text is { Length: 32 } && text.All(Uri.IsHexDigit);
}
