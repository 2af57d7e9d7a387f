namespace PodUnits.Systemd.Machines;

/// <summary>A registered machine, from org.freedesktop.machine1.Machine's properties.</summary>
public sealed record MachineInfo(
    string Name,
    MachineId Id,
    string Class,
    string Service,
    string Unit,
    uint Leader,
    string State,
    string RootDirectory,
    DateTimeOffset? Timestamp,
    IReadOnlyList<int> NetworkInterfaces,
    string ObjectPath);

/// <summary>One row of ListMachines: a(ssso) name, class, service, object path.</summary>
public sealed record MachineListing(string Name, string Class, string Service, string ObjectPath);

/// <summary>Whom KillMachine signals: the leader only, or every process of the machine's unit.</summary>
public enum MachineKillWho
{
    Leader,
    All,
}
