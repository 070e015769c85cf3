/**
 * The PCI ID database entries of every device the profiles use, copied from pci.ids (version
 * 2023.04.10, https://pci-ids.ucw.cz, BSD-3-Clause or GPL-2.0+). Rendered at usr/share/misc/pci.ids
 * in each tree, so the agent and lspci name simulated devices from the host's own database, as on a
 * real host. Regenerate when a profile gains a device.
 */
export const PCI_IDS = `# Subset of pci.ids for the vfleet simulator profiles
# Version: 2023.04.10
1002  Advanced Micro Devices, Inc. [AMD/ATI]
	6611  Oland [Radeon HD 8570 / R5 430 OEM / R7 240/340 / Radeon 520 OEM]
		1028 210b  Radeon R5 240 OEM
	aab0  Oland/Hainan/Cape Verde/Pitcairn HDMI Audio [Radeon HD 7000 Series]
1028  Dell
1043  ASUSTeK Computer Inc.
10b5  PLX Technology, Inc.
	9749  PEX 9749 49-lane, 13-port PCI Express Gen 3 (8.0 GT/s) Switch
10de  NVIDIA Corporation
	0fbc  GM107 High Definition Audio Controller [GeForce 940MX]
	1381  GM107 [GeForce GTX 750]
	1db8  GV100GL [Tesla V100 SXM3 32GB]
10ec  Realtek Semiconductor Co., Ltd.
	8168  RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller
		1043 8432  P8P67 and other motherboards
15b3  Mellanox Technologies
	1017  MT27800 Family [ConnectX-5]
		15b3 0006  ConnectX-5 EN network interface card, 100GbE single-port QSFP28, PCIe3.0 x16, tall bracket; MCX515A-CCAT
		15b3 0007  Mellanox ConnectX-5 MCX516A-CCAT
	1018  MT27800 Family [ConnectX-5 Virtual Function]
15d9  Super Micro Computer Inc
1b21  ASMedia Technology Inc.
	1042  ASM1042 SuperSpeed USB Host Controller
		1043 8488  P8B WS Motherboard
	1080  ASM1083/1085 PCIe to PCI Bridge
3842  eVga.com. Corp.
8086  Intel Corporation
	0150  Xeon E3-1200 v2/3rd Gen Core processor DRAM Controller
	0151  Xeon E3-1200 v2/3rd Gen Core processor PCI Express Root Port
	016a  Xeon E3-1200 v2/3rd Gen Core processor Graphics Controller
		1043 844d  P8B WS Motherboard
	10c9  82576 Gigabit Network Connection
	10ca  82576 Virtual Function
	10d3  82574L Gigabit Network Connection
		8086 a01f  Gigabit CT Desktop Adapter
	1533  I210 Gigabit Network Connection
	1c02  6 Series/C200 Series Chipset Family 6 port Desktop SATA AHCI Controller
		1043 844d  P8 series motherboard
	1c10  6 Series/C200 Series Chipset Family PCI Express Root Port 1
	1c1a  6 Series/C200 Series Chipset Family PCI Express Root Port 6
	1c1c  6 Series/C200 Series Chipset Family PCI Express Root Port 7
	1c1e  6 Series/C200 Series Chipset Family PCI Express Root Port 8
	1c20  6 Series/C200 Series Chipset Family High Definition Audio Controller
	1c22  6 Series/C200 Series Chipset Family SMBus Controller
		1043 844d  P8 series motherboard
	1c26  6 Series/C200 Series Chipset Family USB Enhanced Host Controller #1
		1043 844d  P8 series motherboard
	1c2d  6 Series/C200 Series Chipset Family USB Enhanced Host Controller #2
		1043 844d  P8 series motherboard
	1c3a  6 Series/C200 Series Chipset Family MEI Controller #1
		1043 844d  P8 series motherboard
	1c4a  H67 Express Chipset LPC Controller
		1043 844d  P8H67 Series Motherboard
	2020  Sky Lake-E DMI3 Registers
	2030  Sky Lake-E PCI Express Root Port A
	3406  5520 I/O Hub to ESI Port
	3408  5520/5500/X58 I/O Hub PCI Express Root Port 1
	3a16  82801JIR (ICH10R) LPC Interface Controller
	3a22  82801JI (ICH10 Family) SATA AHCI Controller
	3a40  82801JI (ICH10 Family) PCI Express Root Port 1
	a190  C620 Series Chipset Family PCI Express Root Port #1
	a1c2  C622 Series Chipset LPC/eSPI Controller
C 01  Mass storage controller
	06  SATA controller
		01  AHCI 1.0
C 02  Network controller
	00  Ethernet controller
C 03  Display controller
	00  VGA compatible controller
		00  VGA controller
	02  3D controller
C 04  Multimedia controller
	03  Audio device
C 06  Bridge
	00  Host bridge
	01  ISA bridge
	04  PCI bridge
		00  Normal decode
		01  Subtractive decode
	80  Bridge
C 07  Communication controller
	80  Communication controller
C 0c  Serial bus controller
	03  USB controller
		20  EHCI
		30  XHCI
	05  SMBus
`;
