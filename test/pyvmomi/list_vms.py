#!/usr/bin/python3
"""Lists a vCenter's VMs with VMware's own Python SDK (Debian python3-pyvmomi), as an independent
client to check vcc's simulators and vSphere client against. Prints a JSON list sorted by moref.

usage: /usr/bin/python3 test/pyvmomi/list_vms.py <sdk-url> <user> <password>
"""
import json
import ssl
import sys
from urllib.parse import urlparse

from pyVim.connect import SmartConnect, Disconnect
from pyVmomi import vim

url, user, password = sys.argv[1:4]
parsed = urlparse(url)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
si = SmartConnect(host=parsed.hostname, port=parsed.port or 443, user=user, pwd=password, sslContext=context)
try:
    content = si.RetrieveContent()
    view = content.viewManager.CreateContainerView(content.rootFolder, [vim.VirtualMachine], True)
    vms = [
        {"moref": vm._moId, "name": vm.name, "powerState": str(vm.runtime.powerState)}
        for vm in view.view
    ]
    view.Destroy()
    print(json.dumps(sorted(vms, key=lambda vm: vm["moref"])))
finally:
    Disconnect(si)
