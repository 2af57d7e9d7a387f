using System.Diagnostics;
using System.Text;

namespace PodUnits.IntegrationTests.Runtime;

/// <summary>
/// A real terminal for a test: util-linux's script(1) runs a shell command on a
/// pseudo-terminal of its own and relays it to our pipes, so the command sees a terminal on
/// stdin, stdout and stderr, as a person's shell would. What the test types goes in through
/// <see cref="Type"/>; everything the terminal shows is collected for <see cref="WaitFor"/>.
/// </summary>
internal sealed class ScriptTerminal : IDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _screen = new();
    private readonly Thread _reader;

    public ScriptTerminal(string command)
    {
        // With the stop signals at their default, as a person's terminal has them: a test run
        // started in the background (`nohup tests/run.sh ... &`, and the sandbox's own `&`)
        // passes SIGHUP, SIGINT and SIGQUIT on ignored, and a .NET process that finds one
        // ignored at its start keeps it so (as nohup means): a hang-up then stopped nothing.
        var info = new ProcessStartInfo("env") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--default-signal=HUP,INT,QUIT,TERM", "script", "--quiet", "--flush", "--return", "--command", command, "/dev/null" })
        {
            info.ArgumentList.Add(a);
        }
        _script = Process.Start(info)!;
        _reader = new Thread(() =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = _script.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (_screen)
                {
                    _screen.Append(buffer, 0, n);
                }
            }
        }) { IsBackground = true };
        _reader.Start();
    }

    /// <summary>Everything the terminal showed so far.</summary>
    public string Screen
    {
        get
        {
            lock (_screen)
            {
                return _screen.ToString();
            }
        }
    }

    public int Pid => _script.Id;

    /// <summary>Keys, as a person types them ("\u0003" is Ctrl-C).</summary>
    public void Type(string keys)
    {
        _script.StandardInput.Write(keys);
        _script.StandardInput.Flush();
    }

    /// <summary>Waits until the screen shows <paramref name="text"/> at least <paramref name="times"/> times.</summary>
    public bool WaitFor(string text, int times = 1, double seconds = 30) =>
        PodHarness.WaitFor(() => Count(Screen, text) >= times, seconds);

    /// <summary>The status script returns: the command's (--return).</summary>
    public int WaitForExit()
    {
        _script.StandardInput.Close();
        Assert.True(_script.WaitForExit(60_000), "script did not end: " + Screen);
        _reader.Join(TimeSpan.FromSeconds(5));
        return _script.ExitCode;
    }

    public static int Count(string haystack, string needle)
    {
        int count = 0;
        for (int at = haystack.IndexOf(needle, StringComparison.Ordinal); at >= 0; at = haystack.IndexOf(needle, at + needle.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    public void Dispose()
    {
        if (!_script.HasExited)
        {
            _script.Kill(entireProcessTree: true);
        }
        _script.Dispose();
    }
}
