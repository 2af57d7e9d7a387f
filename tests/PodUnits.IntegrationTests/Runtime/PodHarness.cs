using System.Diagnostics;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// Runs pods the way an administrator does: a definition in /etc/podunits/pods and
/// `systemctl start pod@NAME`; everything is checked from outside with the standard tools.
/// Each test uses its own pod name and removes its definition and state when disposed.
/// </summary>
internal sealed class PodHarness : IDisposable
{
    /// <param name="generated">Also run the generator (systemctl daemon-reload), as an
    /// administrator does after adding a definition, so its drop-in applies.</param>
    public PodHarness(string name, string yaml, bool generated = false)
    {
        Name = name;
        Generated = generated;
        Directory.CreateDirectory("/etc/podunits/pods");
        File.WriteAllText(DefinitionPath, yaml);
        if (generated)
        {
            Run("systemctl", "daemon-reload");
        }
    }

    public bool Generated { get; }

    public string Name { get; }
    public string Unit => $"pod@{Name}.service";
    private string DefinitionPath => $"/etc/podunits/pods/{Name}.yaml";

    public static string BusyboxPod(string name, string command, string extraContainerYaml = "", string extraSpecYaml = "") => $$"""
        apiVersion: v1
        kind: Pod
        metadata:
          name: {{name}}
        spec:
          terminationGracePeriodSeconds: 5
        {{extraSpecYaml}}
          containers:
            - name: main
              image: busybox
              command: ["sh", "-c", {{System.Text.Json.JsonSerializer.Serialize(command)}}]
        {{extraContainerYaml}}
        """;

    public (int Code, string Output) Systemctl(params string[] args) => Run("systemctl", args);

    public string Show(string property, string? unit = null) =>
        Run("systemctl", "show", "-p", property, "--value", unit ?? Unit).Output.Trim();

    public int MainPid => int.Parse(Show("MainPID"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Lines of the host journal matching the pod (and more journalctl arguments), as MESSAGE only.</summary>
    public string[] Journal(params string[] matches) =>
        Run("journalctl", ["--no-pager", "-o", "cat", .. matches]).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Polls until <paramref name="condition"/> holds; false after <paramref name="seconds"/>.</summary>
    public static bool WaitFor(Func<bool> condition, double seconds = 20)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            if (condition())
            {
                return true;
            }
            Thread.Sleep(100);
        }
        return condition();
    }

    public static (int Code, string Output) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }
        using Process p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }

    public void Dispose()
    {
        Run("systemctl", "stop", Unit);
        Run("systemctl", "reset-failed", Unit);
        File.Delete(DefinitionPath);
        Run("rm", "-rf", $"/var/lib/podunits/pods/{Name}");
        if (Generated)
        {
            Run("systemctl", "daemon-reload");
        }
    }
}
