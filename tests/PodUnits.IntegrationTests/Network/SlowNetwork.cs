namespace PodUnits.IntegrationTests.Network;

/// <summary>
/// A network whose ADD takes 3 s (or as long as asked): bridge and host-local, then the real
/// firewall plugin behind a wrapper in /opt/cni/bin that touches <see cref="Adding"/> and
/// sleeps before it. Tests
/// use the window to stop or kill a pod while its containers wait for the network. Each test
/// class names its own (they run in parallel); disposing removes the files.
/// </summary>
internal sealed class SlowNetwork : IDisposable
{
    private readonly string _plugin;
    private readonly string _conflist;
    private readonly string _seconds;

    /// <param name="name">The network's name, conflist and plugin suffix.</param>
    /// <param name="subnet">Its host-local subnet, one no other test uses.</param>
    /// <param name="seconds">How long the wrapper sleeps in each ADD.</param>
    /// <param name="onDelete">A shell command the wrapper runs first in each DEL, or null.</param>
    public SlowNetwork(string name, string subnet, int seconds = 3, string? onDelete = null)
    {
        Name = name;
        _plugin = $"/opt/cni/bin/podunits-test-{name}";
        _conflist = $"/etc/podunits/net.d/{name}.conflist";
        Adding = $"/run/podunits-test-{name}.adding";
        _seconds = $"/run/podunits-test-{name}.seconds";
        Delay = seconds;
        Directory.CreateDirectory("/opt/cni/bin");
        string del = onDelete is null ? "" : $"[ \"$CNI_COMMAND\" != DEL ] || {{ {onDelete}; }}\n";
        File.WriteAllText(_plugin, $"#!/bin/sh\n[ \"$CNI_COMMAND\" != ADD ] || {{ touch {Adding}; sleep $(cat {_seconds}); }}\n{del}exec /usr/lib/cni/firewall \"$@\"\n");
        File.SetUnixFileMode(_plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(_conflist, $$"""
            { "cniVersion": "1.0.0", "name": "{{name}}",
              "plugins": [
                { "type": "bridge", "bridge": "{{name}}0", "ipam": { "type": "host-local",
                  "ranges": [[{ "subnet": "{{subnet}}" }]] } },
                { "type": "podunits-test-{{name}}" }
              ] }
            """);
        File.Delete(Adding);
    }

    public string Name { get; }

    /// <summary>How long the next ADD sleeps, in seconds (read by each ADD as it starts).</summary>
    public int Delay
    {
        set => File.WriteAllText(_seconds, value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The wrapper plugin's executable (what a process list shows while it sleeps).</summary>
    public string Plugin => _plugin;

    /// <summary>Exists once an ADD has reached the wrapper (delete it to watch for the next).</summary>
    public string Adding { get; }

    public void Dispose()
    {
        File.Delete(_conflist);
        File.Delete(_plugin);
        File.Delete(Adding);
        File.Delete(_seconds);
    }
}
