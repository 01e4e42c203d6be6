#!/usr/bin/python3
"""Probes a vCenter (vcc's simulator in the e2e tests) with VMware's own Python SDK (Debian
python3-pyvmomi) and prints what it read as one JSON object, one key per probe, for the tests to
check against the simulator's rules (sampleValue, its inventory, its events).

usage: /usr/bin/python3 test/pyvmomi/simulator_probe.py <sdk-url> <user> <password> <probe>...
probes:
  inventory:<maxObjects>   the inventory query: one ContainerView on the root folder, seven types,
                           RetrievePropertiesEx paged by maxObjects with ContinueRetrievePropertiesEx
  perf:<vms>:<maxSample>   QueryPerf for the first <vms> powered-on VMs (instance "*"), and
                           historical QueryPerf for every cluster and datastore
  events                   QueryEvents, and the same through an EventHistoryCollector
  query-limit:<metrics>    a historical QueryPerf asking for <metrics> metrics of one cluster
  unauthenticated          a property read without logging in
"""
import json
import ssl
import sys
from datetime import datetime
from urllib.parse import urlparse

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim, vmodl, SoapStubAdapter
from pyVmomi.VmomiSupport import ManagedObject

PC = vmodl.query.PropertyCollector
INVENTORY_PATHS = {
    vim.VirtualMachine: ["name", "parent", "resourcePool", "runtime.powerState", "runtime.host", "config.uuid",
                         "config.instanceUuid", "config.template", "config.hardware.numCPU",
                         "config.hardware.memoryMB", "config.createDate", "config.guestId", "config.guestFullName",
                         "config.managedBy", 'config.extraConfig["cloud.uuid"]', "summary.storage.committed",
                         "summary.storage.uncommitted"],
    vim.HostSystem: ["name", "parent", "summary.hardware.numCpuCores", "summary.hardware.numCpuPkgs",
                     "summary.hardware.cpuMhz", "summary.hardware.memorySize", "runtime.connectionState",
                     "runtime.powerState", "runtime.inMaintenanceMode"],
    vim.ClusterComputeResource: ["name", "parent"],
    vim.Datacenter: ["name", "parent", "vmFolder", "hostFolder"],
    vim.Folder: ["name", "parent"],
    vim.ResourcePool: ["name", "parent", "owner"],
    vim.Datastore: ["name", "parent", "summary.capacity", "summary.freeSpace"],
}


def plain(value):
    """A JSON-able value, with the Python type pyVmomi decoded it as."""
    if isinstance(value, ManagedObject):
        return {"type": value._wsdlName, "moref": value._moId}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, vmodl.DynamicData):
        fields = {prop.name: getattr(value, prop.name) for prop in value._GetPropertyList()}
        return {name: plain(field) for name, field in fields.items() if field not in (None, [])}
    return value


def typed(value):
    return {"value": plain(value), "pytype": type(value).__name__}


def fault(error):
    return {"fault": type(error).__name__, "msg": getattr(error, "msg", str(error))}


def connect(url, user, password):
    parsed = urlparse(url)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return SmartConnect(host=parsed.hostname, port=parsed.port or 443, user=user, pwd=password, sslContext=context)


def inventory(content, max_objects):
    view = content.viewManager.CreateContainerView(content.rootFolder, list(INVENTORY_PATHS), True)
    spec = PC.FilterSpec(
        objectSet=[PC.ObjectSpec(obj=view, skip=True,
                                 selectSet=[PC.TraversalSpec(name="view", type=vim.view.ContainerView,
                                                             path="view", skip=False)])],
        propSet=[PC.PropertySpec(type=kind, pathSet=paths) for kind, paths in INVENTORY_PATHS.items()])
    collector = content.propertyCollector
    result = collector.RetrievePropertiesEx([spec], PC.RetrieveOptions(maxObjects=max_objects))
    objects, pages = [], 0
    while result is not None:
        pages += 1
        for obj in result.objects:
            objects.append({
                "type": obj.obj._wsdlName,
                "moref": obj.obj._moId,
                "props": {prop.name: typed(prop.val) for prop in obj.propSet},
                "missing": [missing.path for missing in obj.missingSet],
            })
        result = collector.ContinueRetrievePropertiesEx(result.token) if result.token else None
    view.Destroy()
    return {"pages": pages, "objects": objects}


def entity_metrics(result):
    return [{
        "entity": metric.entity._moId,
        "sampleInfo": [[info.timestamp.isoformat(), info.interval] for info in metric.sampleInfo],
        "series": [{"counterId": series.id.counterId, "instance": series.id.instance, "values": list(series.value)}
                   for series in metric.value],
    } for metric in result]


def perf(content, vm_count, max_sample):
    manager = content.perfManager
    counters = {c.key: "%s.%s.%s" % (c.groupInfo.key, c.nameInfo.key, c.rollupType) for c in manager.perfCounter}
    by_name = {name: key for key, name in counters.items()}
    view = content.viewManager.CreateContainerView(
        content.rootFolder, [vim.VirtualMachine, vim.ClusterComputeResource, vim.Datastore], True)
    vms = [vm for vm in view.view if isinstance(vm, vim.VirtualMachine)
           and vm.runtime.powerState == "poweredOn"][:vm_count]
    others = [obj for obj in view.view if not isinstance(obj, vim.VirtualMachine)]
    view.Destroy()
    refresh = manager.QueryPerfProviderSummary(entity=vms[0]).refreshRate
    realtime_counters = ["cpu.usage.average", "cpu.usagemhz.average", "mem.consumed.average", "net.usage.average",
                         "virtualDisk.read.average", "virtualDisk.totalWriteLatency.average",
                         "datastore.read.average"]
    metric_ids = [vim.PerformanceManager.MetricId(counterId=by_name[name], instance="*") for name in realtime_counters]
    realtime = manager.QueryPerf(querySpec=[
        vim.PerformanceManager.QuerySpec(entity=vm, metricId=metric_ids, intervalId=refresh, maxSample=max_sample)
        for vm in vms])
    historical_interval = manager.historicalInterval[0].samplingPeriod
    historical_counters = ["cpu.usage.average", "mem.consumed.average", "disk.used.latest", "disk.capacity.latest"]
    historical = manager.QueryPerf(querySpec=[
        vim.PerformanceManager.QuerySpec(
            entity=obj, intervalId=historical_interval,
            metricId=[vim.PerformanceManager.MetricId(counterId=by_name[name], instance="") for name in historical_counters])
        for obj in others])
    return {
        "refreshRate": refresh,
        "historicalInterval": historical_interval,
        "counters": counters,
        "vms": [{"moref": vm._moId, "numCPU": vm.config.hardware.numCPU,
                 "disks": [d.unitNumber for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualDisk)],
                 "nics": [d.key for d in vm.config.hardware.device if isinstance(d, vim.vm.device.VirtualEthernetCard)]}
                for vm in vms],
        "realtime": entity_metrics(realtime),
        "historical": entity_metrics(historical),
    }


def event(e):
    found = {"key": e.key, "chainId": e.chainId, "type": type(e).__name__.split(".")[-1],
             "createdTime": e.createdTime.isoformat(), "vm": e.vm.vm._moId, "vmName": e.vm.name,
             "host": e.host.host._moId, "message": e.fullFormattedMessage}
    if isinstance(e, vim.event.VmReconfiguredEvent):
        found["numCPUs"] = e.configSpec.numCPUs
        found["memoryMB"] = e.configSpec.memoryMB
    if isinstance(e, vim.event.VmResourcePoolMovedEvent):
        found["oldPool"] = e.oldParent.resourcePool._moId
        found["newPool"] = e.newParent.resourcePool._moId
    if isinstance(e, vim.event.VmMigratedEvent):
        found["sourceHost"] = e.sourceHost.host._moId
    return found


def events(content):
    manager = content.eventManager
    queried = [event(e) for e in manager.QueryEvents(vim.event.EventFilterSpec())]
    collector = manager.CreateCollectorForEvents(vim.event.EventFilterSpec())
    collected = []
    while True:
        page = collector.ReadNextEvents(7)
        if not page:
            break
        collected.extend(event(e) for e in page)
    latest = [e.key for e in collector.latestPage]
    collector.DestroyCollector()
    return {"queried": queried, "collected": collected, "latestPage": latest}


def query_limit(content, metrics):
    manager = content.perfManager
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.ClusterComputeResource], True)
    cluster = view.view[0]
    view.Destroy()
    interval = manager.historicalInterval[0].samplingPeriod
    keys = [c.key for c in manager.perfCounter]
    metric_ids = [vim.PerformanceManager.MetricId(counterId=keys[i % len(keys)], instance=str(i)) for i in range(metrics)]
    try:
        manager.QueryPerf(querySpec=[vim.PerformanceManager.QuerySpec(entity=cluster, metricId=metric_ids,
                                                                       intervalId=interval)])
        return {"ok": True}
    except vmodl.MethodFault as error:
        return fault(error)


def unauthenticated(url):
    parsed = urlparse(url)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    stub = SoapStubAdapter(host=parsed.hostname, port=parsed.port or 443, version="vim.version.version11",
                           sslContext=context)
    instance = vim.ServiceInstance("ServiceInstance", stub)
    content = instance.RetrieveContent()
    try:
        return {"rootFolderName": content.rootFolder.name}
    except vmodl.MethodFault as error:
        return fault(error)


def main():
    url, user, password = sys.argv[1:4]
    output = {}
    si = connect(url, user, password)
    try:
        content = si.RetrieveContent()
        for probe in sys.argv[4:]:
            name, *args = probe.split(":")
            if name == "inventory":
                output[name] = inventory(content, int(args[0]))
            elif name == "perf":
                output[name] = perf(content, int(args[0]), int(args[1]))
            elif name == "events":
                output[name] = events(content)
            elif name == "query-limit":
                output[name] = query_limit(content, int(args[0]))
            elif name == "unauthenticated":
                output[name] = unauthenticated(url)
            else:
                raise SystemExit("unknown probe %s" % probe)
    finally:
        Disconnect(si)
    print(json.dumps(output))


main()
