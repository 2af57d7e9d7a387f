namespace PodUnits.Definitions.Parsing;

/// <summary>
/// Every field of the Kubernetes v1 objects a Pod manifest contains (API reference, v1.34),
/// each with its PodUnits policy. Decisions worth explaining:
/// - Ignored (warning) are fields that only steer a cluster: where to schedule (nodeSelector,
///   affinity, tolerations, nodeName, priority*, preemptionPolicy, topologySpreadConstraints,
///   schedulingGates, schedulerName, overhead, os), service accounts and their tokens (PodUnits
///   mounts none), cluster DNS/service plumbing (subdomain, enableServiceLinks, readinessGates),
///   API bookkeeping in metadata, resources.requests (a scheduling hint; only limits are
///   enforced), terminationMessage*, resizePolicy, and imagePullSecrets (credentials come from
///   the auth file named in /etc/podunits/registries.yaml).
/// - Not supported (error) is everything that would make the container behave differently from
///   what its author expects if silently dropped: other probes, lifecycle hooks, envFrom,
///   valueFrom, stdin/tty, host namespaces, sysctls, SELinux/AppArmor, fsGroup,
///   runAsNonRoot, subPath, hostPort, runtimeClassName (selects a different isolation), etc.
/// </summary>
internal static class KubernetesFields
{
    private const string Scheduler = "it only matters to a Kubernetes scheduler";
    private const string Cluster = "it only matters to a Kubernetes cluster";
    private const string SetByCluster = "it is set by a Kubernetes cluster";

    public static readonly FieldTable Root = new(
        ["apiVersion", "kind", "metadata", "spec"],
        [("status", SetByCluster)]);

    public static readonly FieldTable Metadata = new(
        ["name", "labels", "annotations"],
        [("namespace", Cluster), ("generateName", "the pod is named after its file"),
         ("uid", SetByCluster), ("resourceVersion", SetByCluster), ("generation", SetByCluster),
         ("creationTimestamp", SetByCluster), ("deletionTimestamp", SetByCluster),
         ("deletionGracePeriodSeconds", SetByCluster), ("selfLink", SetByCluster),
         ("managedFields", SetByCluster), ("ownerReferences", Cluster), ("finalizers", Cluster)]);

    public static readonly FieldTable PodSpec = new(
        ["containers", "initContainers", "volumes", "hostname", "hostNetwork", "dnsPolicy",
         "dnsConfig", "hostAliases", "restartPolicy", "terminationGracePeriodSeconds", "securityContext"],
        [("nodeSelector", Scheduler), ("affinity", Scheduler), ("tolerations", Scheduler),
         ("nodeName", Scheduler), ("priorityClassName", Scheduler), ("priority", Scheduler),
         ("preemptionPolicy", Scheduler), ("schedulerName", Scheduler),
         ("topologySpreadConstraints", Scheduler), ("schedulingGates", Scheduler),
         ("overhead", Scheduler), ("os", Scheduler),
         ("serviceAccountName", Cluster), ("serviceAccount", Cluster),
         ("automountServiceAccountToken", Cluster), ("enableServiceLinks", Cluster),
         ("subdomain", Cluster), ("readinessGates", Cluster),
         ("imagePullSecrets", "PodUnits reads registry credentials from the auth file named in /etc/podunits/registries.yaml")],
        ["activeDeadlineSeconds", "ephemeralContainers", "hostIPC", "hostPID", "hostUsers",
         "shareProcessNamespace", "setHostnameAsFQDN", "runtimeClassName", "resourceClaims",
         "resources", "hostnameOverride"]);

    public static readonly FieldTable Container = new(
        ["name", "image", "imagePullPolicy", "command", "args", "env", "workingDir", "ports",
         "volumeMounts", "resources", "securityContext", "readinessProbe"],
        [("terminationMessagePath", Cluster), ("terminationMessagePolicy", Cluster),
         ("resizePolicy", Cluster)],
        ["livenessProbe", "startupProbe", "lifecycle", "envFrom", "stdin", "stdinOnce", "tty",
         "volumeDevices", "restartPolicy", "restartPolicyRules"]);

    public static readonly FieldTable EnvVar = new(["name", "value"], null, ["valueFrom"]);

    public static readonly FieldTable Port = new(["containerPort", "protocol", "name", "hostPort", "hostIP"], null, []);

    public static readonly FieldTable VolumeMount = new(
        ["name", "mountPath", "readOnly"], null,
        ["subPath", "subPathExpr", "mountPropagation", "recursiveReadOnly"]);

    public static readonly FieldTable Volume = new(
        ["name", "hostPath", "emptyDir"], null,
        ["awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "configMap", "csi",
         "downwardAPI", "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo",
         "glusterfs", "image", "iscsi", "nfs", "persistentVolumeClaim", "photonPersistentDisk",
         "portworxVolume", "projected", "quobyte", "rbd", "scaleIO", "secret", "storageos",
         "vsphereVolume"],
        "(supported volume kinds: emptyDir, hostPath)");

    public static readonly FieldTable HostPath = new(["path", "type"]);

    public static readonly FieldTable EmptyDir = new(["medium", "sizeLimit"]);

    public static readonly FieldTable Resources = new(["limits"], [("requests", Scheduler)], ["claims"]);

    public static readonly FieldTable PodSecurityContext = new(
        ["runAsUser", "runAsGroup", "seccompProfile"],
        [("windowsOptions", "it only applies to Windows")],
        ["runAsNonRoot", "fsGroup", "fsGroupChangePolicy", "supplementalGroups",
         "supplementalGroupsPolicy", "sysctls", "seLinuxOptions", "seLinuxChangePolicy",
         "appArmorProfile"]);

    public static readonly FieldTable ContainerSecurityContext = new(
        ["runAsUser", "runAsGroup", "readOnlyRootFilesystem", "privileged",
         "allowPrivilegeEscalation", "capabilities", "seccompProfile", "procMount"],
        [("windowsOptions", "it only applies to Windows")],
        ["runAsNonRoot", "seLinuxOptions", "appArmorProfile"]);

    public static readonly FieldTable SeccompProfile = new(["type", "localhostProfile"]);

    public static readonly FieldTable Capabilities = new(["add", "drop"]);

    public static readonly FieldTable Probe = new(
        ["exec", "tcpSocket", "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
         "successThreshold", "failureThreshold"],
        null,
        ["httpGet", "grpc", "terminationGracePeriodSeconds"]);

    public static readonly FieldTable ExecAction = new(["command"]);

    public static readonly FieldTable TcpSocket = new(["port"], null, ["host"]);

    public static readonly FieldTable DnsConfig = new(["nameservers", "searches", "options"]);

    public static readonly FieldTable DnsOption = new(["name", "value"]);

    public static readonly FieldTable HostAlias = new(["ip", "hostnames"]);

    /// <summary>Annotations PodUnits reads (docs/design.md: PodUnits settings live under podunits.io/).</summary>
    public const string AnnotationPrefix = "podunits.io/";
    public static readonly string[] KnownAnnotations = ["podunits.io/autostart", "podunits.io/description", NetworkAnnotation];

    /// <summary>The pod's CNI network by name (docs/networking.md).</summary>
    public const string NetworkAnnotation = "podunits.io/network";
}
