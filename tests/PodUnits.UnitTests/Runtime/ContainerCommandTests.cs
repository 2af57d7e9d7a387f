using PodUnits.Runtime.Container;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Runtime;

/// <summary>ContainerCommand.Spec looks a relative command up in the container's working
/// directory, as runc does after its chdir, and leaves the name execve gets as it was
/// (stage 1 native review of 2026-12-07, finding 4).</summary>
public sealed class ContainerCommandTests
{
    private static ContainerPlan Container(string workingDir) => new()
    {
        Name = "app", LowerDir = "/l", LayerDir = "/c/app", WorkingDir = workingDir, Argv = ["unused"], Env = [],
    };

    private static (byte[]? Spec, int Failure, List<string> Reported) Spec(string workingDir, string[] argv, Func<string, bool> isExecutable,
        Func<string, bool>? exists = null, string[]? env = null)
    {
        List<string> reported = [];
        byte[]? spec = ContainerCommand.Spec(Container(workingDir), argv, env ?? ["PATH=/bin"], confine: true,
            isExecutable, exists ?? isExecutable, reported.Add, out int failure);
        return (spec, failure, reported);
    }

    [Fact]
    public void ARelativeCommandIsFoundInTheWorkingDirectory()
    {
        List<string> asked = [];
        var (spec, failure, reported) = Spec("/app", ["./start.sh"], p => { asked.Add(p); return p == "/app/./start.sh"; });
        Assert.NotNull(spec);
        Assert.Equal(0, failure);
        Assert.Empty(reported);
        Assert.Equal(["/app/./start.sh"], asked);
        // The name as given: execve runs it after become.c's fchdir into /app.
        Assert.Equal(ExecSpec.Build(Container("/app"), "./start.sh", ["./start.sh"], ["PATH=/bin"], confine: true, 0), spec);
    }

    [Fact]
    public void ARootFileOfTheSameNameDoesNotPassForIt()
    {
        // /start.sh exists, /app/start.sh does not: the check and execve must not disagree.
        var (spec, failure, reported) = Spec("/app", ["./start.sh"], p => p is "/start.sh" or "/./start.sh");
        Assert.Null(spec);
        Assert.Equal(ContainerCommand.NotFound, failure);
        Assert.Equal(["container app: executable \"./start.sh\" not found in image (in the working directory /app)"], reported);
    }

    [Fact]
    public void AMissingRelativeCommandIs127AndAnUnexecutableOne126()
    {
        Assert.Equal(ContainerCommand.NotFound, Spec("/app", ["./missing"], _ => false).Failure);
        var (spec, failure, reported) = Spec("/app/", ["bin/tool"], _ => false, exists: p => p == "/app/bin/tool");
        Assert.Null(spec);
        Assert.Equal(ContainerCommand.NotExecutable, failure);
        Assert.Equal(["container app: \"/app/bin/tool\" is not executable (no execute permission, or not a file)"], reported);
    }

    [Fact]
    public void ARelativePathEntryIsTheWorkingDirectorysToo()
    {
        // An empty entry is ".", as execvp takes it.
        var (spec, _, _) = Spec("/srv", ["tool"], p => p == "/srv/./tool", env: ["PATH=/bin::/usr/bin"]);
        Assert.Equal(ExecSpec.Build(Container("/srv"), "./tool", ["tool"], ["PATH=/bin::/usr/bin"], confine: true, 0), spec);
        Assert.Equal(ContainerCommand.NotFound, Spec("/srv", ["tool"], p => p == "/tool", env: ["PATH=/bin:sbin"]).Failure);
    }

    [Fact]
    public void AnAbsoluteCommandIsNotMovedAndItsMessageIsAsBefore()
    {
        var (spec, failure, reported) = Spec("/app", ["/no/such"], _ => false);
        Assert.Equal((null, ContainerCommand.NotFound), (spec, failure));
        Assert.Equal(["container app: executable \"/no/such\" not found in image"], reported);
        Assert.NotNull(Spec("/app", ["/bin/sh"], p => p == "/bin/sh").Spec);
    }
}
