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
///   what its author expects if silently dropped: stdin/tty, lifecycle.stopSignal,
///   restartPolicyRules, host namespaces,
///   mountPropagation, runtimeClassName (selects a different isolation), etc.
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
        ["containers", "initContainers", "volumes", "hostname", "hostNetwork", "hostUsers", "dnsPolicy",
         "dnsConfig", "hostAliases", "restartPolicy", "terminationGracePeriodSeconds", "securityContext", "resources",
         "shareProcessNamespace"],
        [("nodeSelector", Scheduler), ("affinity", Scheduler), ("tolerations", Scheduler),
         ("nodeName", Scheduler), ("priorityClassName", Scheduler), ("priority", Scheduler),
         ("preemptionPolicy", Scheduler), ("schedulerName", Scheduler),
         ("topologySpreadConstraints", Scheduler), ("schedulingGates", Scheduler),
         ("overhead", Scheduler), ("os", Scheduler),
         ("serviceAccountName", Cluster), ("serviceAccount", Cluster),
         ("automountServiceAccountToken", Cluster), ("enableServiceLinks", Cluster),
         ("subdomain", Cluster), ("readinessGates", Cluster),
         ("imagePullSecrets", "PodUnits reads registry credentials from the auth file named in /etc/podunits/registries.yaml")],
        ["activeDeadlineSeconds", "ephemeralContainers", "hostIPC", "hostPID",
         "setHostnameAsFQDN", "runtimeClassName", "resourceClaims",
         "hostnameOverride"]);

    public static readonly FieldTable Container = new(
        ["name", "image", "imagePullPolicy", "command", "args", "env", "envFrom", "workingDir", "ports",
         "volumeMounts", "resources", "securityContext", "readinessProbe", "livenessProbe", "startupProbe",
         "lifecycle", "restartPolicy"],
        [("terminationMessagePath", Cluster), ("terminationMessagePolicy", Cluster),
         ("resizePolicy", Cluster)],
        ["stdin", "stdinOnce", "tty", "volumeDevices", "restartPolicyRules"]);

    public static readonly FieldTable EnvVar = new(["name", "value", "valueFrom"]);

    public static readonly FieldTable EnvVarSource = new(["configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef"], null, ["fileKeyRef"]);

    /// <summary>configMapKeyRef, secretKeyRef.</summary>
    public static readonly FieldTable KeySelector = new(["name", "key", "optional"]);

    public static readonly FieldTable FieldSelector = new(["fieldPath", "apiVersion"]);

    public static readonly FieldTable ResourceFieldSelector = new(["containerName", "resource", "divisor"]);

    public static readonly FieldTable EnvFromSource = new(["prefix", "configMapRef", "secretRef"]);

    /// <summary>envFrom's configMapRef, secretRef.</summary>
    public static readonly FieldTable ObjectReference = new(["name", "optional"]);

    public static readonly FieldTable Port = new(["containerPort", "protocol", "name", "hostPort", "hostIP"], null, []);

    public static readonly FieldTable VolumeMount = new(
        ["name", "mountPath", "readOnly", "subPath", "subPathExpr"], null,
        ["mountPropagation", "recursiveReadOnly"]);

    public static readonly FieldTable Volume = new(
        ["name", "hostPath", "emptyDir", "configMap", "secret", "downwardAPI", "projected", "persistentVolumeClaim"], null,
        ["awsElasticBlockStore", "azureDisk", "azureFile", "cephfs", "cinder", "csi",
         "ephemeral", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo",
         "glusterfs", "image", "iscsi", "nfs", "photonPersistentDisk",
         "portworxVolume", "quobyte", "rbd", "scaleIO", "storageos", "vsphereVolume"],
        "(supported volume kinds: emptyDir, hostPath, configMap, secret, downwardAPI, projected, persistentVolumeClaim)");

    public static readonly FieldTable ClaimVolumeSource = new(["claimName", "readOnly"]);

    /// <summary>A PersistentVolumeClaim document in a pod's file: the claim becomes a named
    /// volume directory whatever it asks for; what would need a storage system is refused.</summary>
    public static readonly FieldTable PersistentVolumeClaim = new(["apiVersion", "kind", "metadata", "spec"], [("status", SetByCluster)]);

    private const string ClaimIsADirectory = "a claim is a directory under /var/lib/podunits/volumes; nothing limits its size or provisions it";

    public static readonly FieldTable PersistentVolumeClaimSpec = new(
        ["accessModes", "volumeMode"],
        [("resources", ClaimIsADirectory), ("storageClassName", ClaimIsADirectory), ("volumeName", ClaimIsADirectory),
         ("selector", ClaimIsADirectory), ("volumeAttributesClassName", ClaimIsADirectory)],
        ["dataSource", "dataSourceRef"]);

    public static readonly FieldTable ConfigMapVolume = new(["name", "items", "defaultMode", "optional"]);

    public static readonly FieldTable SecretVolume = new(["secretName", "items", "defaultMode", "optional"]);

    public static readonly FieldTable DownwardApiVolume = new(["items", "defaultMode"]);

    public static readonly FieldTable ProjectedVolume = new(["sources", "defaultMode"]);

    /// <summary>projected.sources[]; serviceAccountToken and the cluster-issued kinds are
    /// accepted here only to be refused with the reason (VolumeProjections).</summary>
    public static readonly FieldTable VolumeProjection = new(
        ["configMap", "secret", "downwardAPI", "serviceAccountToken", "clusterTrustBundle", "podCertificate"]);

    /// <summary>projected.sources[].configMap and .secret.</summary>
    public static readonly FieldTable ObjectProjection = new(["name", "items", "optional"]);

    public static readonly FieldTable DownwardApiProjection = new(["items"]);

    public static readonly FieldTable KeyToPath = new(["key", "path", "mode"]);

    public static readonly FieldTable DownwardApiFile = new(["path", "fieldRef", "resourceFieldRef", "mode"]);

    /// <summary>A ConfigMap document (in the pod's file or /etc/podunits/configmaps).</summary>
    public static readonly FieldTable ConfigMap = new(["apiVersion", "kind", "metadata", "data", "binaryData", "immutable"]);

    /// <summary>A Secret document (in the pod's file or /etc/podunits/secrets).</summary>
    public static readonly FieldTable Secret = new(["apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"]);

    public static readonly FieldTable HostPath = new(["path", "type"]);

    public static readonly FieldTable EmptyDir = new(["medium", "sizeLimit"]);

    public static readonly FieldTable Resources = new(["limits", "requests"], [], ["claims"]);

    public static readonly FieldTable PodSecurityContext = new(
        ["runAsUser", "runAsGroup", "seccompProfile", "runAsNonRoot", "fsGroup", "fsGroupChangePolicy",
         "supplementalGroups", "supplementalGroupsPolicy", "appArmorProfile", "seLinuxOptions", "sysctls"],
        [("windowsOptions", "it only applies to Windows")],
        ["seLinuxChangePolicy"]);

    public static readonly FieldTable Sysctl = new(["name", "value"]);

    public static readonly FieldTable ContainerSecurityContext = new(
        ["runAsUser", "runAsGroup", "readOnlyRootFilesystem", "privileged",
         "allowPrivilegeEscalation", "capabilities", "seccompProfile", "procMount", "runAsNonRoot",
         "appArmorProfile", "seLinuxOptions"],
        [("windowsOptions", "it only applies to Windows")],
        []);

    public static readonly FieldTable SeccompProfile = new(["type", "localhostProfile"]);

    public static readonly FieldTable AppArmorProfile = new(["type", "localhostProfile"]);

    public static readonly FieldTable SeLinuxOptions = new(["user", "role", "type", "level"]);

    public static readonly FieldTable Capabilities = new(["add", "drop"]);

    public static readonly FieldTable Probe = new(
        ["exec", "tcpSocket", "httpGet", "grpc", "initialDelaySeconds", "periodSeconds", "timeoutSeconds",
         "successThreshold", "failureThreshold", "terminationGracePeriodSeconds"]);

    public static readonly FieldTable ExecAction = new(["command"]);

    public static readonly FieldTable TcpSocket = new(["port", "host"]);

    public static readonly FieldTable HttpGetAction = new(["scheme", "host", "port", "path", "httpHeaders"]);

    public static readonly FieldTable HttpHeader = new(["name", "value"]);

    public static readonly FieldTable GrpcAction = new(["port", "service"]);

    /// <summary>stopSignal (1.33+, alpha) changes how the container is stopped.</summary>
    public static readonly FieldTable Lifecycle = new(["postStart", "preStop"], null, ["stopSignal"]);

    /// <summary>tcpSocket is here so that LifecycleMapper can say why it is refused: Kubernetes
    /// keeps it only for compatibility, and the kubelet fails a hook that uses it.</summary>
    public static readonly FieldTable LifecycleHandler = new(["exec", "httpGet", "sleep", "tcpSocket"]);

    public static readonly FieldTable SleepAction = new(["seconds"]);

    public static readonly FieldTable DnsConfig = new(["nameservers", "searches", "options"]);

    public static readonly FieldTable DnsOption = new(["name", "value"]);

    public static readonly FieldTable HostAlias = new(["ip", "hostnames"]);

    /// <summary>Annotations PodUnits reads (docs/design.md: PodUnits settings live under podunits.io/).</summary>
    public const string AnnotationPrefix = "podunits.io/";
    public static readonly string[] KnownAnnotations = ["podunits.io/autostart", "podunits.io/description", NetworkAnnotation, DnsAnnotation, AutoUpdateAnnotation,
        ActivationAnnotations.Notify, ActivationAnnotations.Listen, ActivationAnnotations.ListenContainer];

    /// <summary>"none": the pod gets no resolv.conf of PodUnits', its containers see their
    /// images' own (rkt's and podman's --dns none; Kubernetes has no dnsPolicy for it:
    /// None requires a nameserver).</summary>
    public const string DnsAnnotation = "podunits.io/dns";

    /// <summary>"registry": `podunits auto-update` moves the pod to the newest image of each
    /// tag it names, rolling back when the pod then fails to start (docs/trust.md).</summary>
    public const string AutoUpdateAnnotation = "podunits.io/auto-update";

    /// <summary>The pod's CNI network by name (docs/networking.md).</summary>
    public const string NetworkAnnotation = "podunits.io/network";
}
