using PodUnits.Journal;

namespace PodUnits.UnitTests.Journal;

/// <summary>The catalog file and the ids in code must agree, or journalctl -x explains nothing.</summary>
public sealed class JournalCatalogTests
{
    private static string CatalogPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "packaging", "catalog", "podunits.catalog");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("packaging/catalog/podunits.catalog not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void EveryMessageIdHasOneCatalogEntryWithASubject()
    {
        string[] lines = File.ReadAllLines(CatalogPath());
        var entries = lines.Where(l => l.StartsWith("-- ", StringComparison.Ordinal)).Select(l => l[3..].Trim()).ToList();
        string[] ids = [JournalMessageIds.PodStarted, JournalMessageIds.PodStopped, JournalMessageIds.PodFailed, JournalMessageIds.ContainerExited,
            JournalMessageIds.ProbeFailed, JournalMessageIds.ContainerUnhealthy, JournalMessageIds.ContainerRestarting, JournalMessageIds.ReadinessChanged, JournalMessageIds.HookFailed,
            JournalMessageIds.PodAutoUpdated, JournalMessageIds.PodAutoUpdateRolledBack, JournalMessageIds.PodAutoUpdateFailed];
        Assert.Equal(ids.Order(), entries.Order());
        Assert.Equal(ids.Length, ids.Distinct().Count());
        foreach (string id in ids)
        {
            Assert.Matches("^[0-9a-f]{32}$", id);
            int at = Array.FindIndex(lines, l => l == "-- " + id);
            Assert.StartsWith("Subject: ", lines[at + 1], StringComparison.Ordinal);
        }
    }
}
